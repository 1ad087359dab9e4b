package discord

import (
	"encoding/xml"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot/sms"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// The Done-when check of one person across channels, end to end through
// the real runtime on both backends: a resident files a report by SMS
// (signed Twilio webhooks), sends LINK by SMS, types the code with
// Discord's /link, and then /status and a STATUS direct message on
// Discord list the report filed by SMS. The SMS side is told (naming
// only "Discord"); DELETE by SMS then erases the Discord contact too.
// Neither the code nor an address is in the logs.
func TestLinkedSMSAndDiscordShareStatus(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			h := newHarness(t, backend)
			log := slog.New(slog.NewTextHandler(h.logs, nil))
			const token, base, phone = "test-auth-token", "https://rightsline.example.org", "+12025550177"
			smsH, err := sms.New(sms.Config{AccountSID: "AC0123456789abcdef0123456789abcdef", AuthToken: token, From: "+12025550100", PublicBaseURL: base, RateLimitPerMinute: 1000}, h.rt, h.cat, log)
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			smsH.Register(mux)
			n := 0
			text := func(body string) string {
				t.Helper()
				n++
				h.now = h.now.Add(time.Minute)
				form := url.Values{"From": {phone}, "To": {"+12025550100"}, "Body": {body},
					"MessageSid": {fmt.Sprintf("SM%032d", 770000+n)}, "AccountSid": {"AC0123456789abcdef0123456789abcdef"}, "NumMedia": {"0"}}
				req := httptest.NewRequest(http.MethodPost, base+sms.InboundPath, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Twilio-Signature", sms.Sign(token, base+sms.InboundPath, form))
				w := httptest.NewRecorder()
				mux.ServeHTTP(w, req)
				var doc struct {
					Messages []string `xml:"Message"`
				}
				if err := xml.Unmarshal(w.Body.Bytes(), &doc); w.Code != 200 || err != nil {
					t.Fatalf("SMS %q: %d %v %s", body, w.Code, err, w.Body)
				}
				return strings.Join(doc.Messages, "\n\n")
			}
			for _, s := range []string{"hi", "4", "1", "The landlord refused my voucher.", "done", "11/02/2026", "20001", "1", "skip", "17", "1", "skip", "1", "1"} {
				text(s)
			}
			ctx := t.Context()
			smsContact, err := h.store.ContactByAddress(ctx, "sms", phone)
			if err != nil {
				t.Fatal(err)
			}
			reps, err := h.store.ReportsByContact(ctx, smsContact.ID, 5)
			if err != nil || len(reps) != 1 {
				t.Fatalf("reports filed by SMS: %v, %v", reps, err)
			}
			ref := reps[0].Reference

			maria := member{id: "781000000000000001", locale: "en-US"}
			none, _ := h.cat.Text("en", "intake.status.none", nil)
			if got := response(t, h.do(maria.command(h, cmdStatus))).Data.Content; got != none {
				t.Fatalf("/status before linking: %q", got)
			}

			reply := text("LINK")
			code := regexp.MustCompile(`[0-9]{6}`).FindString(reply)
			if code == "" {
				t.Fatalf("LINK by SMS answered %q", reply)
			}
			got := response(t, h.do(maria.command(h, cmdLink, map[string]any{"name": optCode, "type": 3, "value": code}))).Data.Content
			smsKind, _ := h.cat.Text("en", "link.kind.sms", nil)
			if want, _ := h.cat.Text("en", "link.done", map[string]string{"kind": smsKind}); got != want {
				t.Fatalf("/link answered %q, want %q", got, want)
			}
			if strings.Contains(got, phone[2:]) || strings.Contains(got, phone[len(phone)-4:]) {
				t.Fatalf("/link names the phone number: %q", got)
			}
			// The SMS side is told, naming the kind of channel only.
			q, err := h.store.OutboundByContact(ctx, smsContact.ID)
			dcKind, _ := h.cat.Text("en", "link.kind.discord", nil)
			told, _ := h.cat.Text("en", "link.done.other", map[string]string{"kind": dcKind})
			if err != nil || len(q) != 1 || q[0].Body != told || strings.Contains(q[0].Body, maria.id) {
				t.Fatalf("the SMS side was told %+v, %v", q, err)
			}

			// STATUS on Discord: the slash command and a direct message.
			if got := response(t, h.do(maria.command(h, cmdStatus))).Data.Content; !strings.Contains(got, ref) {
				t.Fatalf("/status on Discord after linking: %q, want the SMS report %s", got, ref)
			}
			if got := response(t, h.do(maria.command(h, cmdStatus, map[string]any{"name": optReference, "type": 3, "value": ref}))).Data.Content; !strings.Contains(got, ref) {
				t.Fatalf("/status %s on Discord: %q", ref, got)
			}
			if got := h.directMessage(maria.id, "dm-link-1", "STATUS"); !strings.Contains(got, ref) {
				t.Fatalf("STATUS by direct message: %q", got)
			}
			// Someone else on Discord still learns nothing.
			other := member{id: "781000000000000002", locale: "en-US"}
			notFound, _ := h.cat.Text("en", "intake.status.not_found", nil)
			if got := response(t, h.do(other.command(h, cmdStatus, map[string]any{"name": optReference, "type": 3, "value": ref}))).Data.Content; got != notFound {
				t.Fatalf("another member's /status: %q", got)
			}

			// The code is stored nowhere in clear, and no log line has it or
			// an address.
			dc, err := h.store.ContactByAddress(ctx, "discord", maria.id)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []store.Contact{smsContact, dc} {
				ms, _ := h.store.Transcript(ctx, c.ID, 0)
				for _, m := range ms {
					if strings.Contains(m.Body, code) {
						t.Fatalf("the code is stored in %s's message %q", c.Channel, m.Body)
					}
				}
			}
			logs := h.logs.String()
			for _, secret := range []string{code, phone, phone[2:], maria.id} {
				if strings.Contains(logs, secret) {
					t.Fatalf("the logs hold %q", secret)
				}
			}

			// DELETE by SMS erases the person on Discord too.
			text("DELETE")
			text("YES")
			if _, err := h.store.ContactByAddress(ctx, "discord", maria.id); err == nil {
				t.Fatal("the linked Discord contact survived DELETE by SMS")
			}
			if got := response(t, h.do(maria.command(h, cmdStatus))).Data.Content; got != none {
				t.Fatalf("/status after DELETE by SMS: %q", got)
			}
		})
	}
}
