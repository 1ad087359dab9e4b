package whatsapp

import (
	"testing"
	"time"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestOptOut: STOP on WhatsApp is honoured as on SMS, on both backends:
// confirmed once in the contact's language and recorded in the consent
// ledger under "whatsapp"; after it nothing is answered (HELP, a menu
// number) and queued updates are suppressed; START resumes.
func TestOptOut(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		f := newFixture(t, s, nil)
		ctx := t.Context()
		const phone = "+12025550140"
		if got := f.say(phone, "안녕하세요"); len(got) == 0 {
			t.Fatal("no welcome")
		}
		if got := f.say(phone, "STOP"); len(got) != 1 || got[0] != text(t, locales.Korean, "sms.stopped") {
			t.Fatalf("STOP answered %q", got)
		}
		c := f.contact(phone)
		if !c.OptedOut {
			t.Fatal("STOP did not opt the contact out")
		}
		cons, err := s.ContactConsents(ctx, c.ID)
		if err != nil || len(cons) == 0 {
			t.Fatalf("consents %v, %v", cons, err)
		}
		last := cons[len(cons)-1]
		if last.Channel != Channel || last.Granted || last.Kind != store.ConsentTexts || last.TextLang != string(locales.Korean) {
			t.Fatalf("ledger row %+v", last)
		}
		for _, body := range []string{"HELP", "1", "stop"} {
			if got := f.say(phone, body); len(got) != 0 {
				t.Fatalf("%q after STOP answered %q", body, got)
			}
		}
		// A staff update queued now is suppressed, never sent.
		var id int64
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			id, err = tx.EnqueueOutbound(ctx, &store.Outbound{Channel: Channel, ContactID: c.ID, Address: phone, Body: "update"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		claim, err := s.ClaimOutbound(ctx, Channel, 10, time.Minute)
		if err != nil || len(claim.Rows) != 0 {
			t.Fatalf("claimed %v, %v; want the row suppressed", claim.Rows, err)
		}
		if m, _ := s.OutboundByID(ctx, id); m.Status != store.OutboxSuppressed {
			t.Fatalf("row %+v", m)
		}
		if got := f.say(phone, "START"); len(got) != 1 || got[0] != text(t, locales.Korean, "sms.started") {
			t.Fatalf("START answered %q", got)
		}
		if f.contact(phone).OptedOut {
			t.Fatal("START did not opt back in")
		}
		if got := f.say(phone, "menu"); len(got) == 0 {
			t.Fatal("no answer after START")
		}
	})
}
