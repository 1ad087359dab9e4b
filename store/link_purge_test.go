package store_test

import (
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

func TestContractLonePersonPurged(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		sms := mustContact(t, s, "sms", "+15550401")
		web := mustContact(t, s, "web", "session-401")
		if _, err := redeem(t, s, web.ID, linkCode(t, s, sms.ID)); err != nil {
			t.Fatal(err)
		}
		// The simulator's quick exit deletes a session with no report.
		if err := s.ClearTranscript(ctx, "web", "session-401"); err != nil {
			t.Fatal(err)
		}
		if got := personIDs(t, s, sms.ID); len(got) != 1 {
			t.Fatalf("after the web contact went: %v", got)
		}
		if _, err := s.Purge(ctx, store.Retention{}, time.Now()); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "persons", "1 = 1"); n != 0 {
			t.Fatalf("%d persons left with one contact after the purge", n)
		}
		if n := count(t, s, "contacts", "person_id IS NOT NULL"); n != 0 {
			t.Fatalf("%d contacts still point at a person", n)
		}
	})
}
