package whatsapp

import (
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestLinkWhatsAppWithSMS: a Korean resident asks for a link code over a
// signed WhatsApp webhook (the Korean word), types it by SMS; the SMS side
// answers naming "WhatsApp" only, the WhatsApp side is told in Korean
// through the outbox, and STATUS by WhatsApp lists a report filed by SMS.
func TestLinkWhatsAppWithSMS(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		ctx := t.Context()
		f := newFixture(t, st, nil)
		const wa, phone = "+821055501234", "+12025550991"
		f.say(wa, "안녕하세요")
		reply := strings.Join(f.say(wa, "연결"), "\n")
		code := regexp.MustCompile(`[0-9]{6}`).FindString(reply)
		if code == "" || !strings.Contains(reply, "연결") {
			t.Fatalf("연결 answered %q", reply)
		}
		rt, err := bot.New(st, testCatalog, bot.Config{Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return f.now },
			Extensions: []bot.Extension{intake.Extension(st, intake.Config{Catalog: testCatalog})}})
		if err != nil {
			t.Fatal(err)
		}
		out, err := rt.Handle(ctx, bot.Inbound{Channel: "sms", Address: phone, Text: "LINK " + code, ExternalID: "SMwalink1", Lang: locales.English})
		waKind := text(t, locales.English, "link.kind.whatsapp")
		if err != nil || out.Replies[0].ID != intake.MsgLinkDone || !strings.Contains(out.Replies[0].Text, waKind) || strings.Contains(out.Replies[0].Text, "5550") {
			t.Fatalf("LINK by SMS: %+v %v", out.Replies, err)
		}
		q, err := st.OutboundByContact(ctx, f.contact(wa).ID)
		smsKind := text(t, locales.Korean, "link.kind.sms")
		told, _ := testCatalog.Text(locales.Korean, intake.MsgLinkDoneOther, map[string]string{"kind": smsKind})
		if err != nil || len(q) != 1 || q[0].Body != told || q[0].Channel != Channel {
			t.Fatalf("the WhatsApp side was told %+v %v, want %q", q, err, told)
		}
		rep := store.Report{Reference: "DC-WALK-01", ContactID: out.Contact.ID, Channel: "sms", Lang: "en", Category: "housing", ContactMethod: store.ContactThis}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.InsertReport(ctx, &rep) }); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(f.say(wa, "상태"), "\n"); !strings.Contains(got, "DC-WALK-01") {
			t.Fatalf("STATUS by WhatsApp: %q", got)
		}
	})
}
