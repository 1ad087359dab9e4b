package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/pressly/goose/v3"
)

// sqliteTranslatorRole is SQLite's migration 00071: it widens the staff
// table's CHECK constraints to the 'translator' role (no commission).
// SQLite cannot alter a constraint, and rebuilding the table would have to
// switch foreign keys off (or cascade-delete every session and audit row)
// and name every column other migrations add; instead this edits the
// stored CREATE TABLE text, the procedure SQLite documents for changes
// that leave the stored rows' format alone (https://sqlite.org/lang_altertable.html,
// "making other kinds of table schema changes"): writable_schema, replace
// the text, bump schema_version, check integrity.
var sqliteTranslatorRole = goose.NewGoMigration(71,
	&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		return rewriteStaffChecks(ctx, tx, [][2]string{
			{"CHECK (role IN ('admin', 'staff'))", "CHECK (role IN ('admin', 'staff', 'translator'))"},
			{"(role = 'staff' AND commission_id IS NOT NULL AND commission_id <> ''))",
				"(role = 'staff' AND commission_id IS NOT NULL AND commission_id <> '') OR\n        (role = 'translator' AND commission_id IS NULL))"},
		})
	}},
	&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM staff WHERE role = 'translator'"); err != nil {
			return err
		}
		return rewriteStaffChecks(ctx, tx, [][2]string{
			{"CHECK (role IN ('admin', 'staff', 'translator'))", "CHECK (role IN ('admin', 'staff'))"},
			{"(role = 'staff' AND commission_id IS NOT NULL AND commission_id <> '') OR\n        (role = 'translator' AND commission_id IS NULL))",
				"(role = 'staff' AND commission_id IS NOT NULL AND commission_id <> ''))"},
		})
	}},
)

func rewriteStaffChecks(ctx context.Context, tx *sql.Tx, edits [][2]string) error {
	var text string
	if err := tx.QueryRowContext(ctx, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'staff'").Scan(&text); err != nil {
		return fmt.Errorf("staff table: %w", err)
	}
	for _, e := range edits {
		if strings.Count(text, e[0]) != 1 {
			return fmt.Errorf("staff table: the constraint %q is not there once; was 00030 changed?", e[0])
		}
		text = strings.Replace(text, e[0], e[1], 1)
	}
	var version int64
	if err := tx.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&version); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA writable_schema = ON"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE sqlite_schema SET sql = $1 WHERE type = 'table' AND name = 'staff'", text); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA schema_version = %d", version+1)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA writable_schema = OFF"); err != nil {
		return err
	}
	var check string
	if err := tx.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		return fmt.Errorf("staff table after the change: integrity %q, %v", check, err)
	}
	return nil
}
