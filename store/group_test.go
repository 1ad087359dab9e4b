package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func openGroupStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.DB().ExecContext(t.Context(), "CREATE TABLE g (k TEXT PRIMARY KEY, v INTEGER NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	return s
}

// committedRow reads k through the pool, on a connection other than the
// writer's whenever a group is open: it sees only committed rows.
func committedRow(t *testing.T, s *Store, k string) bool {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(context.Background(), "SELECT count(*) FROM g WHERE k = $1", k).Scan(&n); err != nil {
		t.Error(err)
	}
	return n == 1
}

// TestGroupCommit runs many concurrent transactions on SQLite, every third
// failing and one in seven panicking: each that returns nil is committed
// by the time it returns (another connection sees its row), each that
// fails left nothing, and busy transactions shared commits.
func TestGroupCommit(t *testing.T) {
	s := openGroupStore(t)
	commits0, grouped0 := s.writer.commits.Load(), s.writer.grouped.Load()
	const n = 300
	var wg sync.WaitGroup
	errBoom := errors.New("boom")
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := fmt.Sprint(i)
			defer func() {
				if r := recover(); r != nil && i%7 != 0 {
					t.Errorf("%d: unexpected panic %v", i, r)
				}
			}()
			err := s.InTx(t.Context(), func(tx *Tx) error {
				if _, err := tx.SQL().ExecContext(t.Context(), "INSERT INTO g (k, v) VALUES ($1, 1)", k); err != nil {
					return err
				}
				time.Sleep(200 * time.Microsecond) // let others queue
				switch {
				case i%7 == 0:
					panic("member panics")
				case i%3 == 0:
					return errBoom
				}
				return nil
			})
			switch {
			case i%7 == 0:
				t.Errorf("%d: InTx returned %v after a panic", i, err)
			case i%3 == 0:
				if !errors.Is(err, errBoom) {
					t.Errorf("%d: err = %v, want boom", i, err)
				}
				if committedRow(t, s, k) {
					t.Errorf("%d: a failed transaction's row was committed", i)
				}
			default:
				if err != nil {
					t.Errorf("%d: %v", i, err)
				} else if !committedRow(t, s, k) {
					t.Errorf("%d: InTx returned before its row was committed", i)
				}
			}
		}()
	}
	wg.Wait()
	var rows int
	if err := s.DB().QueryRowContext(t.Context(), "SELECT count(*) FROM g").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	want := 0
	for i := range n {
		if i%7 != 0 && i%3 != 0 {
			want++
		}
	}
	if rows != want {
		t.Errorf("rows = %d, want %d", rows, want)
	}
	commits, grouped := s.writer.commits.Load()-commits0, s.writer.grouped.Load()-grouped0
	t.Logf("%d transactions committed in %d commits", grouped, commits)
	if grouped != int64(want) {
		t.Errorf("grouped = %d, want %d", grouped, want)
	}
	if commits >= grouped {
		t.Errorf("every transaction committed alone (%d commits for %d); group commit is not working", commits, grouped)
	}
}

// TestGroupCommitCancelledMember: a transaction whose context is cancelled
// while it runs in a group fails alone; the work of the group's other
// members is committed.
func TestGroupCommitCancelledMember(t *testing.T) {
	s := openGroupStore(t)
	first := make(chan struct{})
	release := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := s.InTx(t.Context(), func(tx *Tx) error {
			_, err := tx.SQL().ExecContext(t.Context(), "INSERT INTO g (k, v) VALUES ('a', 1)")
			close(first)
			<-release // hold the turn until the second waits
			return err
		})
		if err != nil {
			t.Errorf("a: %v", err)
		}
	}()
	<-first
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		errc <- s.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.SQL().ExecContext(ctx, "INSERT INTO g (k, v) VALUES ('b', 1)"); err != nil {
				return err
			}
			cancel()
			if _, err := tx.SQL().ExecContext(ctx, "INSERT INTO g (k, v) VALUES ('c', 1)"); err != nil {
				return err
			}
			return ctx.Err()
		})
	}()
	for s.writer.waiting.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("b: err = %v, want context.Canceled", err)
	}
	if !committedRow(t, s, "a") {
		t.Error("a's row was lost with b's cancellation")
	}
	if committedRow(t, s, "b") || committedRow(t, s, "c") {
		t.Error("the cancelled transaction's rows were committed")
	}
}

// TestGroupCommitExclusive: a single-statement write outside any
// transaction (the rate limit's) commits the open group first and runs.
func TestGroupCommitExclusive(t *testing.T) {
	s := openGroupStore(t)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if err := s.InTx(t.Context(), func(tx *Tx) error {
				_, err := tx.SQL().ExecContext(t.Context(), "INSERT INTO g (k, v) VALUES ($1, 1)", fmt.Sprint("t", i))
				return err
			}); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			if err := s.withWriteSem(t.Context(), func() error {
				_, err := s.DB().ExecContext(t.Context(), "INSERT INTO g (k, v) VALUES ($1, 1)", fmt.Sprint("x", i))
				return err
			}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var rows int
	if err := s.DB().QueryRowContext(t.Context(), "SELECT count(*) FROM g").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 80 {
		t.Errorf("rows = %d, want 80", rows)
	}
}

// TestGroupCommitFailureSeesCommitted: a transaction that fails because
// of what it found of an earlier one's work in its group (a duplicate)
// returns only once that work is committed, so its caller can read it
// back on another connection (the runtime answers a duplicate with the
// stored replies).
func TestGroupCommitFailureSeesCommitted(t *testing.T) {
	s := openGroupStore(t)
	errSeen := errors.New("already stored")
	first := make(chan struct{})
	release := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		err := s.InTx(t.Context(), func(tx *Tx) error {
			_, err := tx.SQL().ExecContext(t.Context(), "INSERT INTO g (k, v) VALUES ('dup', 1)")
			close(first)
			<-release // hold the turn until the others wait
			return err
		})
		if err != nil {
			t.Errorf("first: %v", err)
		}
	})
	<-first
	for range 2 {
		wg.Go(func() {
			err := s.InTx(t.Context(), func(tx *Tx) error {
				var n int
				if err := tx.SQL().QueryRowContext(t.Context(), "SELECT count(*) FROM g WHERE k = 'dup'").Scan(&n); err != nil {
					return err
				}
				if n == 1 {
					return errSeen
				}
				return nil
			})
			if !errors.Is(err, errSeen) {
				t.Errorf("duplicate: err = %v, want errSeen", err)
			}
			if !committedRow(t, s, "dup") {
				t.Error("a duplicate returned before the row it saw was committed")
			}
		})
	}
	for s.writer.waiting.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
}
