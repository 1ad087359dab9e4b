package store

import (
	"context"
	"testing"
	"time"
)

// TestSQLitePreparesStatements: on SQLite the store prepares its named
// queries once (stmts.go), and on the single connection of an in-memory
// database using them inside a transaction neither deadlocks (preparing on
// the pool from inside the transaction would wait for that connection
// forever) nor leaves the statements unusable afterwards.
func TestSQLitePreparesStatements(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	s, err := Open(ctx, "sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var missing []string
	for _, name := range []string{"LoadConversation", "SaveConversation", "ContactConversationForUpdate", "InsertMessage", "InboundByExternalID", "ContactForUpdate", "InsertContactIfAbsent"} {
		if s.stmts[name] == nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("hot-path queries not prepared: %v", missing)
	}
	for range 3 {
		err := s.InTx(ctx, func(tx *Tx) error {
			for range 2 { // the second run reuses the statement bound to the transaction
				if _, err := tx.ContactForUpdate(ctx, "sms", "+12025550123"); err != nil {
					return err
				}
			}
			if len(tx.bound) == 0 {
				t.Error("the transaction bound no prepared statement")
			}
			return nil
		})
		if err != nil {
			t.Fatalf("transaction: %v", err)
		}
		if _, err := s.ContactByAddress(ctx, "sms", "+12025550123"); err != nil {
			t.Fatalf("outside a transaction after it: %v", err)
		}
	}
}
