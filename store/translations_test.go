package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

func TestContractTranslators(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		tr := mustStaff(t, s, "tigist@example.org", store.RoleTranslator, "")
		if got, err := s.StaffByID(ctx, tr.ID); err != nil || !got.IsTranslator() || got.CommissionID != "" || got.IsAdmin() {
			t.Fatalf("translator = %+v, %v", got, err)
		}
		bad := store.Staff{Email: "x@example.org", PasswordHash: "h", Role: store.RoleTranslator, CommissionID: "dc-ohr"}
		if err := s.InsertStaff(ctx, &bad); !errors.Is(err, store.ErrInvalidStaff) {
			t.Errorf("a translator with a commission: %v", err)
		}
		// The database refuses it too, not only validateStaff.
		_, err := s.DB().ExecContext(ctx, "INSERT INTO staff (email, name, password_hash, role, commission_id, active, created_at) VALUES ('y@example.org', '', 'h', 'translator', 'dc-ohr', $1, '2026-01-01T00:00:00.000000Z')", true)
		if err == nil {
			t.Error("the role check accepts a translator with a commission")
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SetStaffLangs(ctx, tr.ID, []string{"am", "es", "am"}) }); err != nil {
			t.Fatal(err)
		}
		if langs, err := s.StaffLangs(ctx, tr.ID); err != nil || strings.Join(langs, ",") != "am,es" {
			t.Fatalf("langs = %v, %v", langs, err)
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SetStaffLangs(ctx, tr.ID, []string{"am"}) }); err != nil {
			t.Fatal(err)
		}
		if langs, _ := s.StaffLangs(ctx, tr.ID); strings.Join(langs, ",") != "am" {
			t.Fatalf("langs after replace = %v", langs)
		}

		if v, err := s.TranslationEditsVersion(ctx); err != nil || v != 0 {
			t.Fatalf("version of nothing = %d, %v", v, err)
		}
		add := func(e store.TranslationEdit) store.TranslationEdit {
			t.Helper()
			if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.InsertTranslationEdit(ctx, &e) }); err != nil {
				t.Fatal(err)
			}
			return e
		}
		first := add(store.TranslationEdit{Lang: "am", MessageID: "common.help", Text: "ሀ", SourceHash: "sha1-a", Status: store.TranslationDraft, StaffID: tr.ID, StaffName: "Tigist"})
		add(store.TranslationEdit{Lang: "es", MessageID: "common.help", Text: "Ayuda", SourceHash: "sha1-a", Status: store.TranslationDraft, StaffID: tr.ID, StaffName: "Tigist"})
		last := add(store.TranslationEdit{Lang: "am", MessageID: "common.help", Text: "ሀለ <b>'; DROP TABLE staff; --", SourceHash: "sha1-a", Status: store.TranslationReviewed, StaffID: tr.ID, StaffName: "Tigist"})
		if first.ID == 0 || last.ID <= first.ID || last.CreatedAt.IsZero() {
			t.Fatalf("ids %d %d, at %v", first.ID, last.ID, last.CreatedAt)
		}
		cur, err := s.CurrentTranslationEdits(ctx, "am")
		if err != nil || len(cur) != 1 || cur[0].ID != last.ID || cur[0].Text != last.Text || cur[0].Status != store.TranslationReviewed || cur[0].StaffID != tr.ID || !cur[0].CreatedAt.Equal(last.CreatedAt) {
			t.Fatalf("current am = %+v, %v", cur, err)
		}
		if all, _ := s.CurrentTranslationEdits(ctx, ""); len(all) != 2 || all[0].Lang != "am" || all[1].Lang != "es" {
			t.Fatalf("current all = %+v", all)
		}
		if h, _ := s.TranslationEditHistory(ctx, "am", "common.help", 10); len(h) != 2 || h[0].ID != last.ID || h[1].ID != first.ID {
			t.Fatalf("history = %+v", h)
		}
		if v, _ := s.TranslationEditsVersion(ctx); v != last.ID {
			t.Fatalf("version = %d, want %d", v, last.ID)
		}
		for _, e := range []store.TranslationEdit{
			{Lang: "am", MessageID: "x", SourceHash: "h", Status: "approved", StaffName: "T"},
			{Lang: "am", MessageID: "x", SourceHash: "h", Status: store.TranslationDraft},
			{Lang: "am", MessageID: "x", Status: store.TranslationDraft, StaffName: "T"},
			{Lang: "am", MessageID: "x", SourceHash: "h", Status: store.TranslationDraft, StaffName: "T", Text: "a\x00b"},
		} {
			if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.InsertTranslationEdit(ctx, &e) }); !errors.Is(err, store.ErrInvalidEdit) {
				t.Errorf("InsertTranslationEdit(%+v) = %v", e, err)
			}
		}
		// Disabling keeps the edits and their signer.
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SetStaffActive(ctx, tr.ID, false) }); err != nil {
			t.Fatal(err)
		}
		if h, _ := s.TranslationEditHistory(ctx, "am", "common.help", 1); len(h) != 1 || h[0].StaffName != "Tigist" {
			t.Fatalf("history after disabling = %+v", h)
		}
	})
}
