package store

import (
	"context"
	"database/sql"
)

// prepareStatements prepares every named query once, on SQLite, where a
// statement executed as text is parsed and planned again every time (a
// sixth of the webhook's CPU): modernc.org/sqlite keeps a prepared
// statement's compiled handle and only resets it between runs.
//
// They are prepared here, in Open, before any transaction can hold a
// connection: preparing on the pool later, from inside a transaction, would
// wait forever for the only connection of an in-memory database. Inside a
// transaction a statement is bound to the transaction's own connection
// with [sql.Tx.StmtContext], which reuses the handle already prepared on
// that connection or prepares one there (never on the pool).
//
// Postgres needs none of this: pgx's stdlib driver already prepares each
// statement once per connection and caches it (its default exec mode,
// QueryExecModeCacheStatement).
//
// A query that does not prepare (one written for a table only the other
// dialect has, say) is simply left out and runs as text, as before; a real
// mistake in it still fails where it runs.
func (s *Store) prepareStatements(ctx context.Context) {
	if s.dialect != SQLite {
		return
	}
	s.stmts = make(map[string]*sql.Stmt, len(queries[s.dialect]))
	for name, text := range queries[s.dialect] {
		st, err := s.db.PrepareContext(ctx, text)
		if err != nil {
			continue
		}
		s.stmts[name] = st
	}
	// InsertReplies' statement depends on the number of replies; a step
	// has one to a few.
	for n := 1; n <= preparedReplies; n++ {
		if st, err := s.db.PrepareContext(ctx, insertRepliesSQL(s.dialect, n)); err == nil {
			s.stmts[insertRepliesName(n)] = st
		}
	}
}

// preparedReplies is the most replies InsertReplies has a prepared
// statement for; more run as text.
const preparedReplies = 4

// closeStatements closes what prepareStatements prepared.
func (s *Store) closeStatements() {
	for _, st := range s.stmts {
		_ = st.Close()
	}
}

// stmt returns the named query prepared and bound to the transaction's
// connection, or nil when it has no prepared statement (Postgres, or a
// query that did not prepare). Bound statements are kept for the
// transaction, so a query run twice in it is bound once.
func (tx *Tx) stmt(ctx context.Context, name string) *sql.Stmt {
	st := tx.store.stmts[name]
	if st == nil || tx.sqlTx == nil {
		return nil
	}
	if b, ok := tx.bound[name]; ok {
		return b
	}
	b := tx.sqlTx.StmtContext(ctx, st)
	if tx.bound == nil {
		tx.bound = make(map[string]*sql.Stmt, 8)
	}
	tx.bound[name] = b
	return b
}
