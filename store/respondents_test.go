package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

func TestNormalizeRespondent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Acme Property Management, LLC", "acme property management"},
		{"ACME property management inc.", "acme property management"},
		{"The Acme Property Management Co", "acme property management"},
		{"Acme Property Management L.L.C.", "acme property management"},
		{"Smith & Sons Corp.", "smith and sons"},
		{"O'Brien Realty", "obrien realty"},
		{"Peña Rentals", "pena rentals"},
		{"  PBP ", "pittsburgh bureau of police"},
		{"Pittsburgh Police", "pittsburgh bureau of police"},
		{"DC Housing Authority", "district of columbia housing authority"},
		{"서울 부동산", "서울 부동산"},
		{"LLC", ""},
		{"---", ""},
	} {
		if got := store.NormalizeRespondent(tc.in); got != tc.want {
			t.Errorf("NormalizeRespondent(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCompactReference(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"PGH-WCT3-8M", "PGHWCT38M"}, {"pgh wct3 8m", "PGHWCT38M"}, {" pgh-wct3-8m ", "PGHWCT38M"},
		{"HI-O0IL-LO", "HI001110"}, {"dc_7kq2.9d", "DC7KQ29D"},
		{"acme", ""}, {"PGH-WCT3-8M; DROP", ""}, {"", ""},
	} {
		if got := store.CompactReference(tc.in); got != tc.want {
			t.Errorf("CompactReference(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestContractRespondentKeys: reports get the keyed index of their
// normalised respondent at insert and when loaded without one (a bulk
// load, or rows from before the index existed); the key is no plaintext
// and erasure clears it; FindReport keeps to its scope.
func TestContractRespondentKeys(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c := mustContact(t, s, "sms", "+15550111")
		var ids []int64
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.UpsertCommission(ctx, store.Commission{ID: "pgh-chr", Name: "p", Active: true}); err != nil {
				return err
			}
			for i, name := range []string{"Acme Property LLC", "ACME PROPERTY, INC.", "Other"} {
				r := store.Report{Reference: "PGH-WCT" + string(rune('0'+i)) + "-8M", ContactID: c.ID, Channel: "sms", Lang: "en", Category: "housing",
					RespondentName: name, ContactMethod: store.ContactThis, Consent: true, CommissionID: "pgh-chr"}
				if err := tx.InsertReport(ctx, &r); err != nil {
					return err
				}
				ids = append(ids, r.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		keyOf := func(id int64) string {
			var k *string
			if err := s.DB().QueryRowContext(ctx, "SELECT respondent_key FROM reports WHERE id = $1", id).Scan(&k); err != nil {
				t.Fatal(err)
			}
			if k == nil {
				return "NULL"
			}
			return *k
		}
		want := s.RespondentKey("acme property")
		if keyOf(ids[0]) != want || keyOf(ids[1]) != want || keyOf(ids[2]) == want || want == "" || strings.Contains(want, "acme") {
			t.Fatalf("keys %q %q %q, want the first two equal to %q", keyOf(ids[0]), keyOf(ids[1]), keyOf(ids[2]), want)
		}
		if _, err := s.DB().ExecContext(ctx, "UPDATE reports SET respondent_key = NULL"); err != nil {
			t.Fatal(err)
		}
		n, err := s.KeyRespondents(ctx)
		if err != nil || n != 3 || keyOf(ids[1]) != want {
			t.Fatalf("KeyRespondents keyed %d (%v); key %q", n, err, keyOf(ids[1]))
		}
		items, err := s.ConsoleQueue(ctx, store.QueueFilter{Scope: "pgh-chr", Status: "all", RespondentKey: want, Limit: 10})
		if err != nil || len(items) != 2 {
			t.Fatalf("queue by respondent: %d items, %v", len(items), err)
		}
		if it, err := s.FindReport(ctx, "pgh-chr", "pgh wct1 8m"); err != nil || it.ID != ids[1] {
			t.Errorf("FindReport in scope: %v %v", it.ID, err)
		}
		if _, err := s.FindReport(ctx, "dc-ohr", "PGH-WCT1-8M"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("FindReport out of scope: %v, want ErrNotFound", err)
		}
	})
}
