package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"
)

// Retry policy for transactions that lose a race for a lock.
const (
	txMaxAttempts = 5
	txBaseBackoff = 5 * time.Millisecond
)

// Tx is one database transaction, handed to the function given to
// [Store.InTx]. It is valid only until that function returns and must not
// be used from more than one goroutine at a time.
type Tx struct {
	// tx runs the transaction's statements: sqlTx, or on the Postgres
	// connection of [Store.InConversation], a wrapper of conn.
	tx Querier
	// sqlTx is the database/sql transaction (nil in InConversation on
	// Postgres, which begins and ends its transaction itself on conn).
	sqlTx *sql.Tx
	conn  *sql.Conn
	store *Store
	// committed holds what to tell the observer after COMMIT.
	committed []func(Observer)
	// bound holds the prepared statements bound to this transaction's
	// connection so far (see Tx.stmt).
	bound map[string]*sql.Stmt
	// queue holds the statements to send with the COMMIT (or before the
	// next statement), in order: RecordStepAtCommit's step, a rate-limit
	// hit counted from its prefetched bucket (pipeline.go); err is the
	// failure of one sent early, which the transaction then ends with.
	queue []queued
	err   error
	// peeked are the rate-limit buckets InConversation read with the
	// contact's lock, for Tx.Allow.
	peeked []*peekedBucket
	// detached: the transaction shares its SQLite transaction with
	// others' committed-to-be work (group.go), so its statements run
	// without their caller's cancellation.
	detached bool
}

// Querier runs a transaction's statements ([Tx.SQL]).
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// InTx runs fn in one transaction; it commits if fn returns nil and rolls
// back otherwise (also if fn panics, after which the panic continues). fn's
// error is returned as is.
//
// When the transaction fails only because of contention (SQLite busy or
// locked; Postgres serialization failure or deadlock) InTx runs fn again, up
// to 5 attempts in all, with a short randomised backoff. fn must therefore
// confine its effects to tx, or be safe to repeat.
//
// On SQLite, write transactions of one Store run one at a time (they would
// anyway: BEGIN IMMEDIATE takes the database's write lock). Inside fn use
// only tx, not the Store's own methods or a nested InTx: on an in-memory
// SQLite database those would wait for fn forever, and elsewhere they run
// outside the transaction.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	return s.retry(ctx, func() error { return s.inTxOnce(ctx, fn) })
}

// retry runs once until it succeeds, fails for a reason other than
// contention, or has run txMaxAttempts times (InTx's policy).
func (s *Store) retry(ctx context.Context, once func() error) error {
	for attempt := 1; ; attempt++ {
		err := once()
		if err == nil || attempt == txMaxAttempts || !isRetryable(err) {
			return err
		}
		backoff := txBaseBackoff << (attempt - 1)
		wait := backoff/2 + rand.N(backoff)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// inTxOnce is one attempt of InTx.
func (s *Store) inTxOnce(ctx context.Context, fn func(tx *Tx) error) error {
	if s.writer != nil {
		return s.writer.inTx(ctx, s, fn)
	}
	start := time.Now()
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		err = fmt.Errorf("store: begin transaction: %w", err)
		s.observeTx(start, err)
		return err
	}
	done := false
	defer func() {
		if !done {
			_ = sqlTx.Rollback() // fn failed or panicked; its error is the one that matters
		}
	}()
	tx := &Tx{tx: sqlTx, sqlTx: sqlTx, store: s}
	if err := fn(tx); err != nil {
		s.observeTx(start, err)
		return err
	}
	done = true
	if err := sqlTx.Commit(); err != nil {
		err = fmt.Errorf("store: commit: %w", err)
		s.observeTx(start, err)
		return err
	}
	s.observeTx(start, nil)
	for _, fn := range tx.committed {
		fn(s.observer)
	}
	return nil
}

// observeTx tells the observer, if any, how one attempt went.
func (s *Store) observeTx(start time.Time, err error) {
	if s.observer != nil {
		s.observer.Transaction(time.Since(start), err)
	}
}

// Dialect reports which database the transaction runs on, for callers that
// run their own SQL through [Tx.SQL].
func (tx *Tx) Dialect() Dialect {
	return tx.store.dialect
}

// SQL returns what runs the transaction's statements, so other packages
// can run their own queries atomically with the store's.
func (tx *Tx) SQL() Querier {
	return tx.tx
}

// exec runs the named query in the transaction.
func (tx *Tx) exec(ctx context.Context, name string, args ...any) (sql.Result, error) {
	ctx = tx.ctx(ctx)
	if st := tx.stmt(ctx, name); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, query(tx.store.dialect, name), args...)
}

// queryRow runs the named single-row query in the transaction. (Queries
// of many rows run as text: a prepared statement must not run again on
// its connection while its rows are still being read, which a loop over
// rows that queries again could do.)
func (tx *Tx) queryRow(ctx context.Context, name string, args ...any) *sql.Row {
	ctx = tx.ctx(ctx)
	if st := tx.stmt(ctx, name); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, query(tx.store.dialect, name), args...)
}

// ctx is the context the transaction's statements run under: ctx, or
// ctx without its cancellation when the transaction is detached.
func (tx *Tx) ctx(ctx context.Context) context.Context {
	if tx.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// time encodes t for the transaction's dialect.
func (tx *Tx) time(t time.Time) any {
	return timeArg(tx.store.dialect, t)
}

// exec runs the named query outside any transaction.
func (s *Store) exec(ctx context.Context, name string, args ...any) (sql.Result, error) {
	if st := s.stmt(name); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return s.db.ExecContext(ctx, query(s.dialect, name), args...)
}

// queryRow runs the named single-row query outside any transaction.
func (s *Store) queryRow(ctx context.Context, name string, args ...any) *sql.Row {
	if st := s.stmt(name); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.db.QueryRowContext(ctx, query(s.dialect, name), args...)
}

// queryRows runs the named query outside any transaction.
func (s *Store) queryRows(ctx context.Context, name string, args ...any) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, query(s.dialect, name), args...)
}

// affectedOne turns an UPDATE's result into ErrNotFound when no row matched.
func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
