package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// On SQLite the single instance always leads.
func TestLeadSQLiteAlwaysHolds(t *testing.T) {
	s := storetest.Open(t, storetest.SQLite)
	ctx, cancel := context.WithCancel(t.Context())
	ran := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Lead(ctx, "x", store.LeadOptions{}, func(ctx context.Context) error {
			close(ran)
			<-ctx.Done()
			return nil
		})
	}()
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("work did not start")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// Of three instances on one Postgres schema exactly one runs the work at a
// time; when the holder stops, or its session is killed by the server,
// another takes over within the poll interval.
func TestLeadPostgresOneHolderAndFailover(t *testing.T) {
	url := storetest.PostgresSchemaURL(t)
	name := fmt.Sprintf("gateway-test-%d", time.Now().UnixNano())
	var running, maxRunning atomic.Int32
	var mu sync.Mutex
	holder := -1
	losses := map[int]int{}
	type inst struct {
		st     *store.Store
		cancel context.CancelFunc
		done   chan error
	}
	opts := func(i int) store.LeadOptions {
		return store.LeadOptions{Poll: 100 * time.Millisecond, Check: 100 * time.Millisecond, OnChange: func(h bool) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case h:
				holder = i
			case holder == i:
				holder = -1
				losses[i]++
			default:
				losses[i]++ // another already took over
			}
		}}
	}
	work := func(ctx context.Context) error {
		n := running.Add(1)
		for {
			m := maxRunning.Load()
			if n <= m || maxRunning.CompareAndSwap(m, n) {
				break
			}
		}
		<-ctx.Done()
		running.Add(-1)
		return nil
	}
	insts := make([]*inst, 3)
	for i := range insts {
		st, err := store.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		ctx, cancel := context.WithCancel(t.Context())
		in := &inst{st: st, cancel: cancel, done: make(chan error, 1)}
		insts[i] = in
		go func() { in.done <- st.Lead(ctx, name, opts(i), work) }()
	}
	current := func() int {
		mu.Lock()
		defer mu.Unlock()
		return holder
	}
	waitHolder := func(not int) int {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if h := current(); h >= 0 && h != not {
				return h
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("no new holder (not %d) within 10s", not)
		return -1
	}
	first := waitHolder(-1)
	time.Sleep(500 * time.Millisecond) // five polls of the others
	if maxRunning.Load() != 1 {
		t.Fatalf("%d instances ran the work at once", maxRunning.Load())
	}

	// The holder stops cleanly: another takes over.
	insts[first].cancel()
	<-insts[first].done
	second := waitHolder(first)
	time.Sleep(300 * time.Millisecond)
	if maxRunning.Load() != 1 {
		t.Fatalf("%d instances ran the work at once", maxRunning.Load())
	}

	// The server kills the holder's session (as when its process dies or
	// its connection breaks): the holder stops its work, another leads.
	var pid int
	if err := insts[second].st.DB().QueryRowContext(t.Context(), `
		SELECT a.pid FROM pg_stat_activity a
		JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
		WHERE a.application_name = $1`, store.LeaderApplicationName(name)).Scan(&pid); err != nil {
		t.Fatalf("the holder's session: %v", err)
	}
	began := time.Now()
	if _, err := insts[second].st.DB().ExecContext(t.Context(), "SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	// Its work stops; then one instance (it too, once it has a session
	// again: its process is alive) holds the lock.
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		lost, h := losses[second], holder
		mu.Unlock()
		if lost > 0 && h >= 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after its session was killed: holder %d lost it %d times", h, lost)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("held again %s after the holder's session was killed", time.Since(began).Round(time.Millisecond))
	// (Between the server ending the session and the holder's next check,
	// up to Check, another instance may already run the work: callers
	// dedupe, as the Discord gateway does in the store.)
	time.Sleep(300 * time.Millisecond)
	if running.Load() != 1 {
		t.Fatalf("%d instances run the work; want exactly one", running.Load())
	}
	for _, in := range insts {
		in.cancel()
	}
	for i, in := range insts {
		if i != first {
			if err := <-in.done; err != nil {
				t.Fatal(err)
			}
		}
	}
}
