package whatsapp

import (
	"net/http"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot/spool"
	"github.com/rightsline/rightsline/bot/twilio/twiliotest"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestDatabaseOutageSpoolsAndReplays: while the database is away a signed
// WhatsApp webhook is spooled (the spool SMS uses) and answered 200 with
// an empty TwiML; when it is back the replay stores the message once
// (twice replayed, still once) and queues its reply once, which the
// sender delivers as free text to the whatsapp: address: the resident
// wrote moments ago.
func TestDatabaseOutageSpoolsAndReplays(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			if backend == storetest.Postgres {
				storetest.PostgresURL(t) // skips without TEST_DATABASE_URL
			}
			ctx := t.Context()
			url := storetest.URL(t, backend)
			keys := store.EphemeralKeys()
			dir := t.TempDir()
			sp, err := spool.Open(dir, keys)
			if err != nil {
				t.Fatal(err)
			}
			down, err := store.Open(ctx, url, store.WithKeys(keys))
			if err != nil {
				t.Fatal(err)
			}
			f := newFixture(t, down, nil)
			f.h.Spool = sp
			stages := map[string]int{}
			f.h.OnSpool = func(s string) { stages[s]++ }
			const phone = "+12025550180"
			down.Close()
			sid := newSid()
			rec := f.signed(InboundPath, inbound(phone, "안녕하세요", sid))
			if rec.Code != http.StatusOK || len(twimlMessages(t, rec.Body.String())) != 0 || sp.Len() != 1 || stages["spooled"] != 1 {
				t.Fatalf("during the outage: %d %q, spool %d, stages %v", rec.Code, rec.Body, sp.Len(), stages)
			}
			if !sp.Holds(Channel, phone) {
				t.Fatal("the spool does not hold the WhatsApp sender")
			}

			up, err := store.Open(ctx, url, store.WithKeys(keys))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { up.Close() })
			g := newFixture(t, up, nil)
			g.h.Spool = sp
			if n, err := sp.Replay(ctx, g.h.Replay); err != nil || n != 1 || sp.Len() != 0 {
				t.Fatalf("Replay = %d, %v", n, err)
			}
			again := spool.Record{Channel: Channel, Address: phone, Text: "안녕하세요", ExternalID: sid, At: g.now}
			if err := g.h.Replay(ctx, again); err != nil {
				t.Fatal(err)
			}
			if n := g.inboundCount(phone); n != 1 {
				t.Fatalf("%d inbound messages; want 1", n)
			}
			rows, err := up.OutboundByContact(ctx, g.contact(phone).ID)
			if err != nil || len(rows) != 1 || rows[0].Address != phone || rows[0].Channel != Channel {
				t.Fatalf("outbox %+v, %v; want the one reply", rows, err)
			}
			if err := g.h.Replay(ctx, spool.Record{Channel: "sms", Address: phone, Text: "x", ExternalID: newSid()}); err == nil {
				t.Fatal("an SMS record was replayed as WhatsApp")
			}
			ft := twiliotest.New(t, testAccount, testToken)
			s, err := NewSender(g.cfg, up, ft.Client())
			if err != nil {
				t.Fatal(err)
			}
			s.now = func() time.Time { return g.now }
			if _, err := s.Send(ctx, rows[0]); err != nil {
				t.Fatal(err)
			}
			if m := ft.Messages(); len(m) != 1 || m[0].Get("To") != Prefix+phone || m[0].Get("Body") != rows[0].Body || m[0].Get("ContentSid") != "" {
				t.Fatalf("sent %v", m)
			}
		})
	}
}
