package sms

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot/spool"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// While the database is away, signed webhooks are spooled (sealed, on
// disk) and answered 200 with an empty TwiML; a sender's later messages
// wait behind their spooled ones. When the database is back the spool is
// replayed in order: every message is stored once (a replay repeated
// after a crash doubles nothing), and each reply is queued in the outbox
// exactly once.
func TestDatabaseOutageSpoolsAndReplays(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{storetest.SQLite, storetest.Postgres} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			if backend == storetest.Postgres {
				storetest.PostgresURL(t) // skips without TEST_DATABASE_URL
			}
			ctx := t.Context()
			url := storetest.URL(t, backend)
			keys := store.EphemeralKeys()
			dir := filepath.Join(t.TempDir(), "spool")
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
			// One resident writes before the outage; the outage begins.
			maria, ana := "+12025550801", "+12025550802"
			if rec := f.signed(InboundPath, inbound(maria, "hola", newSid())); rec.Code != http.StatusOK {
				t.Fatalf("before the outage: %d", rec.Code)
			}
			down.Close()
			sids := []string{newSid(), newSid(), newSid()}
			for i, m := range []struct{ from, body string }{{maria, "1"}, {ana, "hello"}, {maria, "2"}} {
				rec := f.signed(InboundPath, inbound(m.from, m.body, sids[i]))
				if rec.Code != http.StatusOK || len(twimlMessages(t, rec.Body.String())) != 0 {
					t.Fatalf("during the outage: %d %q; want 200 with an empty TwiML", rec.Code, rec.Body)
				}
			}
			if sp.Len() != 3 || stages["spooled"] != 3 {
				t.Fatalf("spool holds %d (stages %v); want 3", sp.Len(), stages)
			}
			// The files hold neither the number nor the text.
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
				if strings.Contains(string(b), "2025550801") || strings.Contains(string(b), "hello") {
					t.Fatalf("spool file %s is not sealed: %q", e.Name(), b)
				}
			}

			// The database is back (a new process on the same spool).
			up, err := store.Open(ctx, url, store.WithKeys(keys))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { up.Close() })
			sp2, err := spool.Open(dir, keys)
			if err != nil || sp2.Len() != 3 || !sp2.Holds(Channel, maria) || !sp2.Holds(Channel, ana) {
				t.Fatalf("reopened spool: %d, %v", sp2.Len(), err)
			}
			g := newFixture(t, up, nil)
			g.h.Spool = sp2
			// Maria writes again before the replay: it waits behind hers.
			late := newSid()
			if rec := g.signed(InboundPath, inbound(maria, "menu", late)); rec.Code != http.StatusOK || len(twimlMessages(t, rec.Body.String())) != 0 {
				t.Fatalf("behind the spool: %d %q", rec.Code, rec.Body)
			}
			n, err := sp2.Replay(ctx, g.h.Replay)
			if err != nil || n != 4 || sp2.Len() != 0 {
				t.Fatalf("Replay = %d, %v (left %d); want all 4", n, err, sp2.Len())
			}
			// A crash after handling but before the file was removed:
			// the same records replayed again double nothing.
			for _, r := range []spool.Record{
				{Channel: Channel, Address: maria, Text: "1", ExternalID: sids[0], At: time.Now()},
				{Channel: Channel, Address: ana, Text: "hello", ExternalID: sids[1], At: time.Now()},
			} {
				if err := g.h.Replay(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			if got := g.inboundCount(maria); got != 4 {
				t.Fatalf("maria has %d inbound messages; want 4 (hola, 1, 2, menu)", got)
			}
			if got := g.inboundCount(ana); got != 1 {
				t.Fatalf("ana has %d inbound messages; want 1", got)
			}
			// The stored order is the order she wrote in.
			c := g.contact(maria)
			msgs, err := up.Transcript(ctx, c.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			var in []string
			for _, m := range msgs {
				if m.Direction == store.DirectionIn {
					in = append(in, m.Body)
				}
			}
			if strings.Join(in, ",") != "hola,1,2,menu" {
				t.Fatalf("maria's messages stored as %v", in)
			}
			// One outbox reply per spooled message, in order.
			rows, err := up.OutboundByContact(ctx, c.ID)
			if err != nil || len(rows) != 3 {
				t.Fatalf("maria's outbox rows = %d, %v; want 3 replies", len(rows), err)
			}
			if rows, _ := up.OutboundByContact(ctx, g.contact(ana).ID); len(rows) != 1 || rows[0].Body == "" {
				t.Fatalf("ana's outbox rows = %+v; want her one reply", rows)
			}
		})
	}
}
