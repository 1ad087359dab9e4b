package store_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestContractStaffSealedOnUpgrade: staff accounts, audit details and a
// translator's signature written before migration 00095 (e-mails and
// names in clear, details naming members by e-mail) are, once the store
// opens: sealed, found at sign-in by any spelling of the e-mail, listed in
// e-mail order, named by id in the stored details (rendered back as the
// e-mail when read); and a second instance opening the same database
// changes nothing.
func TestContractStaffSealedOnUpgrade(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			url := storetest.URL(t, backend)
			if err := store.MigrateUpTo(ctx, url, 94); err != nil {
				t.Fatal(err)
			}
			driver, dsn := "pgx", url
			if backend == storetest.SQLite {
				driver, dsn = "sqlite", strings.TrimPrefix(url, "sqlite:")
			}
			db, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			const at = "2025-01-02T03:04:05.000000Z"
			for _, q := range []string{
				"INSERT INTO staff (email, name, password_hash, role, created_at) VALUES ('joann@example.org', 'Jo Ann Byrne', 'h1', 'admin', '" + at + "')",
				"INSERT INTO staff (email, name, password_hash, role, created_at) VALUES ('ann@example.org', 'Ann Quist', 'h2', 'admin', '" + at + "')",
				"INSERT INTO audit_log (staff_id, action, detail, created_at) VALUES (2, 'staff.create', 'joann@example.org (admin)', '" + at + "')",
				"INSERT INTO audit_log (staff_id, action, detail, created_at) VALUES (1, 'staff.password_reset', 'ann@example.org', '" + at + "')",
				"INSERT INTO translation_edits (lang, message_id, text, source_hash, status, staff_id, staff_name, created_at) VALUES ('am', 'common.help', 'x', 'h', 'draft', 2, 'Ann Quist', '" + at + "')",
			} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			db.Close()

			k := mustKeyring(t, "k1")
			for instance := range 2 {
				s, err := store.Open(ctx, url, store.WithKeys(k.keys))
				if err != nil {
					t.Fatal(err)
				}
				for col, vals := range dumpCells(t, s) {
					for _, v := range vals {
						for _, clear := range []string{"ann@example.org", "Ann Quist", "Jo Ann", "Byrne"} {
							if strings.Contains(v, clear) {
								t.Errorf("instance %d: %s holds %q in clear: %q", instance, col, clear, v)
							}
						}
					}
				}
				for email, id := range map[string]int64{" JoAnn@Example.org": 1, "ann@example.org ": 2} {
					if st, err := s.StaffByEmail(ctx, email); err != nil || st.ID != id || !strings.Contains(st.Name, "Ann") {
						t.Errorf("instance %d: StaffByEmail(%q) = %+v, %v", instance, email, st, err)
					}
				}
				if _, err := s.StaffByEmail(ctx, "nobody@example.org"); err != store.ErrNotFound {
					t.Errorf("unknown e-mail: %v", err)
				}
				list, err := s.ListStaff(ctx)
				if err != nil || len(list) != 2 || list[0].Email != "ann@example.org" || list[1].Email != "joann@example.org" {
					t.Fatalf("ListStaff = %+v, %v", list, err)
				}
				audit, err := s.AuditPage(ctx, 0, 0, 10)
				if err != nil || len(audit) != 2 || audit[0].Detail != "ann@example.org" || audit[1].Detail != "joann@example.org (admin)" ||
					audit[0].StaffEmail != "joann@example.org" {
					t.Fatalf("audit = %+v, %v", audit, err)
				}
				var raw []string
				rows, err := s.DB().QueryContext(ctx, "SELECT detail FROM audit_log ORDER BY id")
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var d string
					if err := rows.Scan(&d); err != nil {
						t.Fatal(err)
					}
					raw = append(raw, d)
				}
				rows.Close()
				if strings.Join(raw, "|") != "staff#1 (admin)|staff#2" {
					t.Errorf("stored details %q, want the members named by id", raw)
				}
				if e, err := s.CurrentTranslationEdits(ctx, "am"); err != nil || len(e) != 1 || e[0].StaffName != "Ann Quist" {
					t.Errorf("translation edit = %+v, %v", e, err)
				}
				// A new member with a taken e-mail is refused.
				dup := store.Staff{Email: "ANN@example.org", PasswordHash: "x", Role: store.RoleAdmin}
				if err := s.InsertStaff(ctx, &dup); err == nil {
					t.Errorf("a second ann@example.org was accepted")
				}
				s.Close()
			}
		})
	}
}
