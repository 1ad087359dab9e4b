package store

import (
	"context"
	"testing"
	"time"
)

// TestSQLitePreparesStatements: on SQLite the store prepares each named
// query at its first use (stmts.go), in the background; from then on a
// transaction binds the prepared statement to its own connection. On the
// single connection of an in-memory database this neither deadlocks
// (preparing on the pool from inside the transaction would wait for that
// connection forever) nor leaves the statements unusable afterwards.
func TestSQLitePreparesStatements(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	s, err := Open(ctx, "sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hot := []string{"LoadConversation", "SaveConversation", "ContactConversationForUpdate", "InsertMessage", "InboundByExternalID", "ContactForUpdate", "InsertContactIfAbsent", insertRepliesName(2)}
	s.stmts.mu.Lock()
	if n := len(s.stmts.prepared) + len(s.stmts.pending); n > 5 {
		// Open runs a few queries of its own; it must not prepare them all.
		t.Errorf("Open asked for %d statements; they are prepared at first use", n)
	}
	s.stmts.mu.Unlock()
	for round := range 3 {
		err := s.InTx(ctx, func(tx *Tx) error {
			for _, name := range hot {
				// The first round asks for them (and runs them as text);
				// preparing waits for this transaction's connection.
				tx.stmt(ctx, name)
			}
			for range 2 { // the second run reuses the statement bound to the transaction
				if _, err := tx.ContactForUpdate(ctx, "sms", "+12025550123"); err != nil {
					return err
				}
			}
			if round == 0 && len(tx.bound) != 0 {
				t.Error("a statement was prepared before its first use")
			}
			if round > 0 && len(tx.bound) != len(hot) {
				t.Errorf("round %d: the transaction bound %d prepared statements, want %d", round, len(tx.bound), len(hot))
			}
			return nil
		})
		if err != nil {
			t.Fatalf("transaction: %v", err)
		}
		if _, err := s.ContactByAddress(ctx, "sms", "+12025550123"); err != nil {
			t.Fatalf("outside a transaction after it: %v", err)
		}
		s.waitStatements()
	}
	var missing []string
	for _, name := range hot {
		if s.stmt(name) == nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("hot-path queries not prepared after use: %v", missing)
	}
	// A name that is no query is never prepared, and asks for nothing.
	if s.stmt("NoSuchQuery") != nil || s.stmt(insertRepliesName(preparedReplies+1)) != nil {
		t.Fatal("a statement for no query")
	}
}

// Close waits for statements being prepared and closes them; none is
// prepared after it.
func TestSQLiteStatementsClose(t *testing.T) {
	t.Parallel()
	s, err := Open(t.Context(), "sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	for name := range queries[SQLite] {
		s.stmt(name)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.stmt("LoadConversation") != nil || len(s.stmts.pending) != 0 {
		t.Fatal("a statement after Close")
	}
}
