package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

func mustStaff(t *testing.T, s *store.Store, email, role, commission string) store.Staff {
	t.Helper()
	st := store.Staff{Email: email, Name: "N " + email, PasswordHash: "$2a$10$hash", Role: role, CommissionID: commission}
	if err := s.InsertStaff(t.Context(), &st); err != nil {
		t.Fatalf("InsertStaff(%s): %v", email, err)
	}
	return st
}

func TestContractStaff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		admin := mustStaff(t, s, " Admin@Example.org ", store.RoleAdmin, "")
		if admin.ID == 0 || admin.Email != "admin@example.org" || !admin.Active {
			t.Fatalf("admin = %+v", admin)
		}
		mustStaff(t, s, "dc@example.org", store.RoleStaff, "dc-ohr")
		otp := store.Staff{Email: "otp@example.org", PasswordHash: "h", Role: store.RoleStaff, CommissionID: "dc-ohr", MustChangePassword: true}
		if err := s.InsertStaff(ctx, &otp); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.StaffByID(ctx, otp.ID); !got.MustChangePassword {
			t.Fatalf("MustChangePassword not stored: %+v", got)
		}

		dup := store.Staff{Email: "ADMIN@example.org", PasswordHash: "x", Role: store.RoleAdmin}
		if err := s.InsertStaff(ctx, &dup); !errors.Is(err, store.ErrDuplicate) {
			t.Fatalf("duplicate email: err = %v, want ErrDuplicate", err)
		}
		for _, bad := range []store.Staff{
			{Email: "a@x", PasswordHash: "x", Role: store.RoleAdmin, CommissionID: "dc-ohr"},
			{Email: "b@x", PasswordHash: "x", Role: store.RoleStaff},
			{Email: "c@x", PasswordHash: "x", Role: "root"},
			{Email: "nobody", PasswordHash: "x", Role: store.RoleAdmin},
			{Email: "d@x", Role: store.RoleAdmin},
		} {
			if err := s.InsertStaff(ctx, &bad); !errors.Is(err, store.ErrInvalidStaff) {
				t.Errorf("InsertStaff(%+v) = %v, want ErrInvalidStaff", bad, err)
			}
		}

		got, err := s.StaffByEmail(ctx, "DC@example.org")
		if err != nil || got.Role != store.RoleStaff || got.CommissionID != "dc-ohr" || !got.LockedUntil.IsZero() {
			t.Fatalf("StaffByEmail = %+v, %v", got, err)
		}
		if _, err := s.StaffByEmail(ctx, "missing@example.org"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing email: %v", err)
		}
		if _, err := s.StaffByID(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing id: %v", err)
		}
		list, err := s.AssignableStaff(ctx, "dc-ohr")
		if err != nil || len(list) != 3 {
			t.Fatalf("AssignableStaff = %v, %v", list, err)
		}
		list, err = s.AssignableStaff(ctx, "pgh-chr")
		if err != nil || len(list) != 1 || !list[0].IsAdmin() {
			t.Fatalf("AssignableStaff(other) = %v, %v", list, err)
		}
	})
}

func TestContractLoginLockout(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		st := mustStaff(t, s, "lock@example.org", store.RoleAdmin, "")
		for i := 1; i <= 3; i++ {
			var locked bool
			err := s.InTx(ctx, func(tx *store.Tx) error {
				var err error
				locked, err = tx.RecordLoginFailure(ctx, st.ID, 3, 15*time.Minute)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if locked != (i == 3) {
				t.Fatalf("failure %d: locked = %v", i, locked)
			}
		}
		got, _ := s.StaffByID(ctx, st.ID)
		if got.LockedUntil.Before(time.Now().Add(14*time.Minute)) || got.FailedLogins != 0 {
			t.Fatalf("after lock: %+v", got)
		}
		// A new password clears the lock and may demand a change.
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SetStaffPassword(ctx, st.ID, "$2a$new", true) }); err != nil {
			t.Fatal(err)
		}
		got, _ = s.StaffByID(ctx, st.ID)
		if !got.LockedUntil.IsZero() || !got.MustChangePassword || got.PasswordHash != "$2a$new" {
			t.Fatalf("after password reset: %+v", got)
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.ResetLoginFailures(ctx, st.ID) }); err != nil {
			t.Fatal(err)
		}
		got, _ = s.StaffByID(ctx, st.ID)
		if !got.LockedUntil.IsZero() {
			t.Fatalf("after reset: %+v", got)
		}
	})
}

func TestContractSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		st := mustStaff(t, s, "sess@example.org", store.RoleStaff, "dc-ohr")
		live := store.Session{TokenHash: "h-live", StaffID: st.ID, CSRFToken: "c1", ExpiresAt: time.Now().Add(time.Hour)}
		dead := store.Session{TokenHash: "h-dead", StaffID: st.ID, CSRFToken: "c2", ExpiresAt: time.Now().Add(-time.Minute)}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertSession(ctx, &live); err != nil {
				return err
			}
			return tx.InsertSession(ctx, &dead)
		})
		if err != nil {
			t.Fatal(err)
		}
		sess, who, err := s.SessionByTokenHash(ctx, "h-live")
		if err != nil || sess.CSRFToken != "c1" || who.ID != st.ID || who.CommissionID != "dc-ohr" {
			t.Fatalf("SessionByTokenHash = %+v %+v %v", sess, who, err)
		}
		if _, _, err := s.SessionByTokenHash(ctx, "h-dead"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired session: %v", err)
		}
		if n, err := s.DeleteExpiredSessions(ctx); err != nil || n != 1 {
			t.Fatalf("DeleteExpiredSessions = %d, %v", n, err)
		}
		if err := s.TouchSession(ctx, "h-live", time.Now().Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		// Disabling the account ends its sessions.
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SetStaffActive(ctx, st.ID, false) }); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionByTokenHash(ctx, "h-live"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("session of disabled staff: %v", err)
		}
	})
}

func TestContractAudit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		st := mustStaff(t, s, "audit@example.org", store.RoleAdmin, "")
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for i := int64(1); i <= 5; i++ {
				e := store.AuditEntry{StaffID: st.ID, Action: "report.view", ReportID: i % 2, Detail: injection, IP: "192.0.2.1"}
				if err := tx.InsertAudit(ctx, &e); err != nil {
					return err
				}
			}
			return tx.InsertAudit(ctx, &store.AuditEntry{Action: "login.failed"})
		})
		if err != nil {
			t.Fatal(err)
		}
		page, err := s.AuditPage(ctx, 0, 0, 4)
		if err != nil || len(page) != 4 || page[0].Action != "login.failed" || page[0].StaffID != 0 {
			t.Fatalf("first page = %+v, %v", page, err)
		}
		if page[1].StaffEmail != "audit@example.org" || page[1].Detail != injection {
			t.Fatalf("entry = %+v", page[1])
		}
		rest, err := s.AuditPage(ctx, page[3].ID, 0, 4)
		if err != nil || len(rest) != 2 || rest[0].ID >= page[3].ID {
			t.Fatalf("second page = %+v, %v", rest, err)
		}
		only, err := s.AuditPage(ctx, 0, 1, 10)
		if err != nil || len(only) != 3 {
			t.Fatalf("report 1 entries = %d, %v", len(only), err)
		}
	})
}
