package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// Named queries are prepared on SQLite, where a statement executed as text
// is parsed and planned again every time (a sixth of the webhook's CPU):
// modernc.org/sqlite keeps a prepared statement's compiled handle and only
// resets it between runs.
//
// They are prepared lazily, each the first time it is used, not all in
// Open: preparing the ~180 of them took 15 ms of CPU (40 ms on a busy
// machine) of every start-up, for statements most processes never run.
// The first use of a query runs it as text and asks for it to be prepared
// in the background, on the pool; every later use finds the statement. A
// prepared [sql.Stmt] is then prepared once per connection: database/sql
// keeps one driver statement per connection it has run on, and inside a
// transaction [sql.Tx.StmtContext] reuses the one already prepared on the
// transaction's connection or prepares one there, never on the pool.
//
// The preparation runs on a goroutine of its own, never the caller's: a
// caller inside a transaction holds a connection, and preparing on the
// pool from there would wait forever for the only connection of an
// in-memory database. The background goroutine simply waits for a free
// connection like any other query.
//
// Postgres needs none of this: pgx's stdlib driver already prepares each
// statement once per connection and caches it (its default exec mode,
// QueryExecModeCacheStatement).
//
// A query that does not prepare (one written for a table only the other
// dialect has, say) is remembered as such and runs as text, as before; a
// real mistake in it still fails where it runs.
type statements struct {
	mu sync.Mutex
	// prepared maps a query's name to its statement, or to nil once it
	// failed to prepare; a name absent has not been asked for yet.
	prepared map[string]*sql.Stmt
	// pending names the queries queued or being prepared; queue holds
	// those waiting, for the one goroutine (running) that prepares them.
	pending map[string]bool
	queue   []queuedStmt
	running bool
	closed  bool
	wg      sync.WaitGroup
}

// queuedStmt is a statement waiting to be prepared.
type queuedStmt struct{ name, text string }

// preparedReplies is the most replies InsertReplies has a prepared
// statement for; more run as text.
const preparedReplies = 4

// stmt returns the named query's prepared statement, or nil when it has
// none yet (its first use, which asks for it in the background), does not
// prepare, or the store is not SQLite.
func (s *Store) stmt(name string) *sql.Stmt {
	if s.dialect != SQLite {
		return nil
	}
	st := &s.stmts
	st.mu.Lock()
	defer st.mu.Unlock()
	if p, ok := st.prepared[name]; ok {
		return p
	}
	if st.closed || st.pending[name] {
		return nil
	}
	if st.prepared == nil {
		st.prepared = make(map[string]*sql.Stmt)
		st.pending = make(map[string]bool)
	}
	text, ok := stmtText(s.dialect, name)
	if !ok {
		st.prepared[name] = nil
		return nil
	}
	st.pending[name] = true
	st.queue = append(st.queue, queuedStmt{name, text})
	if !st.running {
		st.running = true
		st.wg.Add(1)
		go s.prepareQueued()
	}
	return nil
}

// prepareQueued prepares the queued statements one after the other, on
// the pool, until the queue is empty or the store closes: one goroutine,
// so that the statements asked for at once (a first message uses a dozen)
// take one connection of the pool, not one each (a new SQLite connection
// parses the whole schema).
func (s *Store) prepareQueued() {
	st := &s.stmts
	defer st.wg.Done()
	for {
		st.mu.Lock()
		if st.closed || len(st.queue) == 0 {
			st.running = false
			st.mu.Unlock()
			return
		}
		q := st.queue[0]
		st.queue = st.queue[1:]
		st.mu.Unlock()
		p, err := s.db.PrepareContext(context.Background(), q.text)
		if err != nil {
			p = nil
		}
		st.mu.Lock()
		delete(st.pending, q.name)
		if st.closed {
			if p != nil {
				_ = p.Close()
			}
		} else {
			st.prepared[q.name] = p
		}
		st.mu.Unlock()
	}
}

// stmtText is the text of a prepared query's name: a named query, or
// InsertReplies' statement for up to preparedReplies replies.
func stmtText(d Dialect, name string) (string, bool) {
	if q, ok := queries[d][name]; ok {
		return q, true
	}
	if n, ok := strings.CutPrefix(name, "InsertReplies/"); ok {
		if k, err := strconv.Atoi(n); err == nil && k >= 1 && k <= preparedReplies && insertRepliesName(k) == name {
			return insertRepliesSQL(d, k), true
		}
	}
	return "", false
}

// waitStatements waits until the statements asked for so far are
// prepared (or failed to), for tests.
func (s *Store) waitStatements() { s.stmts.wg.Wait() }

// closeStatements closes the prepared statements, after waiting for those
// being prepared; none is prepared after it.
func (s *Store) closeStatements() {
	st := &s.stmts
	st.mu.Lock()
	st.closed = true
	st.mu.Unlock()
	st.wg.Wait()
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, p := range st.prepared {
		if p != nil {
			_ = p.Close()
		}
	}
	st.prepared, st.pending, st.queue = nil, nil, nil
}

// stmt returns the named query prepared and bound to the transaction's
// connection, or nil when it has no prepared statement (Postgres, a query
// that did not prepare, or its first use: see [Store.stmt]). Bound
// statements are kept for the transaction, so a query run twice in it is
// bound once.
func (tx *Tx) stmt(ctx context.Context, name string) *sql.Stmt {
	if b, ok := tx.bound[name]; ok {
		return b
	}
	if tx.sqlTx == nil {
		return nil
	}
	st := tx.store.stmt(name)
	if st == nil {
		return nil
	}
	b := tx.sqlTx.StmtContext(ctx, st)
	if tx.bound == nil {
		tx.bound = make(map[string]*sql.Stmt, 8)
	}
	tx.bound[name] = b
	return b
}
