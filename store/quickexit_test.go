package store_test

import (
	"testing"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestContractClearTranscript: the quick exit erases a simulator visitor's
// messages, conversation and outbox rows; the contact row goes unless a
// report needs it; nobody else's data is touched.
func TestContractClearTranscript(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		seed := func(addr string) store.Contact {
			c := mustContact(t, s, "web", addr)
			mustInsert(t, s, &store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: "web", Body: "my landlord " + addr})
			err := s.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.SaveConversation(ctx, c.ID, []byte(`{"lang":"en"}`), c.CreatedAt); err != nil {
					return err
				}
				_, err := tx.EnqueueOutbound(ctx, &store.Outbound{Channel: "web", ContactID: c.ID, Address: addr, Body: "update for " + addr})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		gone, filed, other := seed("sim-a"), seed("sim-b"), seed("sim-c")
		mustCommission(t, s, store.Commission{ID: "dc-ohr", Name: "DC Office of Human Rights", Jurisdiction: "dc", Active: true})
		rep := store.Report{Reference: "DC-AAAA-11", ContactID: filed.ID, Channel: "web", Lang: "en", Category: "housing", Narrative: "kept", ContactMethod: store.ContactNone, Consent: true, CommissionID: "dc-ohr"}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.InsertReport(ctx, &rep) }); err != nil {
			t.Fatal(err)
		}
		for _, addr := range []string{"sim-a", "sim-b", "sim-never-seen"} {
			if err := s.ClearTranscript(ctx, "web", addr); err != nil {
				t.Fatalf("ClearTranscript(%s): %v", addr, err)
			}
		}
		for _, c := range []store.Contact{gone, filed} {
			for _, table := range []string{"messages", "conversations", "outbox"} {
				if n := count(t, s, table, "contact_id = $1", c.ID); n != 0 {
					t.Errorf("%s: %d rows of contact %d left", table, n, c.ID)
				}
			}
		}
		if n := count(t, s, "contacts", "id = $1", gone.ID); n != 0 {
			t.Error("a contact without reports was kept")
		}
		if n := count(t, s, "contacts", "id = $1", filed.ID); n != 1 {
			t.Error("the contact of a report was deleted")
		}
		if got, err := s.ReportByID(ctx, rep.ID); err != nil || got.Narrative != "kept" {
			t.Errorf("the report was changed: %v", err)
		}
		if _, err := s.ContactByAddress(ctx, "web", "sim-never-seen"); err == nil {
			t.Error("clearing an unknown visitor left a contact behind")
		}
		for _, table := range []string{"messages", "conversations", "outbox"} {
			if n := count(t, s, table, "contact_id = $1", other.ID); n != 1 {
				t.Errorf("%s: another visitor's rows were touched (%d left)", table, n)
			}
		}
	})
}
