package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// maxGroup bounds how many transactions one SQLite commit may carry.
const maxGroup = 32

// writer runs a SQLite store's write transactions one at a time, and
// commits them in groups (group commit): a transaction that finishes
// while others wait for their turn does not commit itself but leaves its
// work, as a released savepoint, in the database transaction that stays
// open for the next one; the last of the group (the first to find no one
// waiting, or the maxGroup-th) commits for all. Every transaction still
// returns only once its work is committed (or has failed), so nothing is
// acknowledged before it is durable as before; a busy writer just pays for
// BEGIN, COMMIT and the WAL's pages once per group instead of once per
// message. A transaction that fails rolls back to its savepoint, undoing
// only its own work.
//
// SQLite runs only one write transaction at a time anyway (BEGIN
// IMMEDIATE takes the database's write lock), so nothing that could run in
// parallel is held back; waiting on a mutex is cheaper and fairer than
// every waiter polling SQLite's busy handler. Other processes are still
// kept out by the busy timeout.
type writer struct {
	mu sync.Mutex
	// waiting counts the goroutines that have asked for mu and will take
	// it (a waiter never gives up: lock below has no way out), so the
	// holder may leave the open group to one of them.
	waiting atomic.Int32
	// cur is the open group, nil when none; guarded by mu.
	cur *group
	// commits and grouped count the groups committed and the
	// transactions they carried, for the tests.
	commits, grouped atomic.Int64
}

// group is one database transaction carrying one or more of the store's
// transactions.
type group struct {
	tx *sql.Tx
	// members counts the transactions whose work the group carries,
	// turns those that ran in it (failed ones too).
	members, turns int
	// done is closed once the group has committed or failed, err its
	// outcome.
	done chan struct{}
	err  error
}

func newWriter() *writer { return &writer{} }

// lock takes the writer; it always succeeds.
func (w *writer) lock() {
	w.waiting.Add(1)
	w.mu.Lock()
	w.waiting.Add(-1)
}

// unlock ends a turn that leaves no work of its own in the open group: the
// group is committed unless it is left to the next turn.
func (w *writer) unlock() {
	if w.cur != nil && !w.leaveOpen() {
		w.commit()
	}
	w.mu.Unlock()
}

// leaveOpen reports whether the open group may be left to the next turn
// (mu held): someone is waiting to join it and it has room.
func (w *writer) leaveOpen() bool {
	return w.waiting.Load() > 0 && w.cur.turns < maxGroup
}

// commit ends the open group (mu held) and returns its outcome.
func (w *writer) commit() error {
	g := w.cur
	w.cur = nil
	if err := g.tx.Commit(); err != nil {
		g.err = fmt.Errorf("store: commit: %w", err)
	} else {
		w.commits.Add(1)
		w.grouped.Add(int64(g.members))
	}
	close(g.done)
	return g.err
}

// abort ends the open group with err (mu held): its transaction is rolled
// back and every member that already finished fails with err.
func (w *writer) abort(err error) {
	g := w.cur
	w.cur = nil
	_ = g.tx.Rollback()
	g.err = err
	close(g.done)
}

// exclusive runs fn, a write outside any transaction (a single autocommit
// statement), in the writer's turn, after committing the open group so
// that fn finds the database's write lock free.
func (w *writer) exclusive(ctx context.Context, fn func() error) error {
	w.lock()
	defer w.mu.Unlock()
	if w.cur != nil {
		w.commit() // a failure is its members' error; fn may still run
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return fn()
}

// inTx is one attempt of [Store.InTx] on SQLite.
func (w *writer) inTx(ctx context.Context, s *Store, fn func(tx *Tx) error) (err error) {
	w.lock()
	start := time.Now()
	if err := ctx.Err(); err != nil {
		w.unlock()
		return err
	}
	if w.cur == nil {
		// The database transaction outlives this caller's context:
		// cancelling it must not roll back the others' work.
		t, err := s.db.BeginTx(context.WithoutCancel(ctx), nil)
		if err != nil {
			w.mu.Unlock()
			err = fmt.Errorf("store: begin transaction: %w", err)
			s.observeTx(start, err)
			return err
		}
		w.cur = &group{tx: t, done: make(chan struct{})}
	}
	g := w.cur
	bg := context.WithoutCancel(ctx)
	if _, err := g.tx.ExecContext(bg, "SAVEPOINT intx"); err != nil {
		w.abort(fmt.Errorf("store: begin transaction: %w", err))
		w.mu.Unlock()
		s.observeTx(start, g.err)
		return g.err
	}
	// With others' work in the transaction, this one's statements must
	// not be interrupted by its context: SQLite rolls back the whole
	// transaction of an interrupted write.
	tx := &Tx{tx: g.tx, sqlTx: g.tx, store: s, detached: g.members > 0}
	if tx.detached {
		tx.tx = detachedQuerier{g.tx}
	}
	finished := false
	defer func() {
		if finished {
			return
		}
		// fn panicked: undo its work, then let the panic go on.
		w.undo(g)
		w.unlock()
	}()
	err = fn(tx)
	finished = true
	g.turns++
	if err != nil {
		w.undo(g)
		others := g.members > 0 && w.cur == g
		w.unlock()
		if others {
			// What fn saw of the others' work (a duplicate's stored
			// message, say) is not committed yet, and the caller may act
			// on it once fn has failed (read that message back on
			// another connection): fail once it is.
			<-g.done
			if g.err != nil {
				err = g.err
			}
		}
		s.observeTx(start, err)
		return err
	}
	if _, rerr := g.tx.ExecContext(bg, "RELEASE intx"); rerr != nil {
		w.abort(fmt.Errorf("store: commit: %w", rerr))
		w.mu.Unlock()
		s.observeTx(start, g.err)
		return g.err
	}
	g.members++
	if w.leaveOpen() {
		// Someone will carry the group on; wait for its commit.
		w.mu.Unlock()
		<-g.done
		err = g.err
	} else {
		err = w.commit()
		w.mu.Unlock()
	}
	s.observeTx(start, err)
	if err != nil {
		return err
	}
	for _, fn := range tx.committed {
		fn(s.observer)
	}
	return nil
}

// undo rolls the open group back to the savepoint of the turn that
// failed (mu held), or aborts the whole group if the database transaction
// was lost (SQLite ends a transaction itself on some errors).
func (w *writer) undo(g *group) {
	bg := context.Background()
	_, err := g.tx.ExecContext(bg, "ROLLBACK TO intx")
	if err == nil {
		_, err = g.tx.ExecContext(bg, "RELEASE intx")
	}
	if err != nil {
		w.abort(fmt.Errorf("store: the grouped transaction was lost: %w", err))
	}
}

// detachedQuerier runs a grouped transaction's statements without their
// caller's cancellation (see writer.inTx).
type detachedQuerier struct{ tx *sql.Tx }

func (q detachedQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return q.tx.ExecContext(context.WithoutCancel(ctx), query, args...)
}

func (q detachedQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.tx.QueryContext(context.WithoutCancel(ctx), query, args...)
}

func (q detachedQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return q.tx.QueryRowContext(context.WithoutCancel(ctx), query, args...)
}
