package discord

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot/sms"
	"github.com/rightsline/rightsline/bot/terminal"
	"github.com/rightsline/rightsline/bot/twilio"
	"github.com/rightsline/rightsline/bot/web"
	"github.com/rightsline/rightsline/bot/whatsapp"
	"github.com/rightsline/rightsline/store/storetest"
)

// The same texts get the same conversation on every channel, each through
// its own front door (a signed Twilio webhook, the /try simulator's JSON,
// a Discord direct message, a line at `rightsline chat`) into the one
// runtime, on both backends: the same replies, modulo how a channel
// renders them (one SMS or Discord message per reply, split at the
// channel's size; the simulator's list; the terminal's blank lines).
// Channel-level words (SMS's STOP and HELP) are each channel's own and
// are left out. WhatsApp is a signed Twilio webhook too, with
// "whatsapp:" addresses, into the same runtime.
func TestSameConversationOnEveryChannel(t *testing.T) {
	conversations := [][]string{
		{"hola", "1", "menu", "3", "back", "language", "4"},
		{"My landlord changed the locks", "back", "source", "menu", "2", "1"},
		{"你好", "2", "source", "more"},
		{"hel\x00lo", "2", "🏠", "caf\xe9", "menu"},
		{"bonjour", "REPORT", "1", "Mon propriétaire a changé les serrures.", "done"},
		// The Done-when of issue 15: a signed WhatsApp webhook in Korean
		// gets the same answers as SMS.
		{"안녕하세요", "1", "menu", "2", "source", "REPORT", "1", "집주인이 자물쇠를 바꿨어요.", "done"},
	}
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			h := newHarness(t, backend)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			const token, base = "test-auth-token", "https://rightsline.example.org"
			smsH, err := sms.New(sms.Config{AccountSID: "AC0123456789abcdef0123456789abcdef", AuthToken: token, From: "+12025550100", PublicBaseURL: base, RateLimitPerMinute: 1000}, h.rt, h.cat, log)
			if err != nil {
				t.Fatal(err)
			}
			waH, err := whatsapp.New(whatsapp.Config{AccountSID: "AC0123456789abcdef0123456789abcdef", AuthToken: token, From: "whatsapp:+12025550199", PublicBaseURL: base, RateLimitPerMinute: 1000}, h.rt, log)
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			smsH.Register(mux)
			waH.Register(mux)
			web.New(h.rt, h.store, h.cat, log).Register(mux)
			srv := httptest.NewServer(mux)
			defer srv.Close()

			for n, texts := range conversations {
				phone := fmt.Sprintf("+120255501%02d", n)
				user := fmt.Sprintf("76000000000000%04d", n)
				jar, _ := cookiejar.New(nil)
				try := &http.Client{Jar: jar}
				for i, text := range texts {
					h.now = h.now.Add(time.Minute)
					got := map[string]string{}

					form := url.Values{"From": {phone}, "To": {"+12025550100"}, "Body": {text},
						"MessageSid": {fmt.Sprintf("SM%030d%02d", n, i)}, "AccountSid": {"AC0123456789abcdef0123456789abcdef"}, "NumMedia": {"0"}}
					req := httptest.NewRequest(http.MethodPost, base+sms.InboundPath, strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("X-Twilio-Signature", sms.Sign(token, base+sms.InboundPath, form))
					w := httptest.NewRecorder()
					mux.ServeHTTP(w, req)
					var doc struct {
						Messages []string `xml:"Message"`
					}
					if err := xml.Unmarshal(w.Body.Bytes(), &doc); w.Code != 200 || err != nil {
						t.Fatalf("SMS %q: %d %v %s", text, w.Code, err, w.Body)
					}
					got["sms"] = strings.Join(doc.Messages, "\n\n")

					form.Set("From", "whatsapp:"+phone)
					form.Set("To", "whatsapp:+12025550199")
					form.Set("ProfileName", "Resident")
					form.Set("WaId", strings.TrimPrefix(phone, "+"))
					req = httptest.NewRequest(http.MethodPost, base+whatsapp.InboundPath, strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("X-Twilio-Signature", twilio.Sign(token, base+whatsapp.InboundPath, form))
					w = httptest.NewRecorder()
					mux.ServeHTTP(w, req)
					doc.Messages = nil
					if err := xml.Unmarshal(w.Body.Bytes(), &doc); w.Code != 200 || err != nil {
						t.Fatalf("WhatsApp %q: %d %v %s", text, w.Code, err, w.Body)
					}
					got["whatsapp"] = strings.Join(doc.Messages, "\n\n")

					body, _ := json.Marshal(map[string]string{"text": text})
					resp, err := try.Post(srv.URL+"/try/messages", "application/json", bytes.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					var r struct{ Replies []struct{ Text string } }
					err = json.NewDecoder(resp.Body).Decode(&r)
					resp.Body.Close()
					if resp.StatusCode != 200 || err != nil {
						t.Fatalf("/try %q: %d %v", text, resp.StatusCode, err)
					}
					var parts []string
					for _, p := range r.Replies {
						parts = append(parts, p.Text)
					}
					got["/try"] = strings.Join(parts, "\n\n")

					got["discord"] = h.directMessage(user, fmt.Sprintf("same-%d-%d", n, i), text)

					var out bytes.Buffer
					if err := terminal.Run(t.Context(), h.rt, strings.NewReader(text+"\n"), &out, terminal.Options{Address: fmt.Sprintf("same-%d", n)}); err != nil {
						t.Fatal(err)
					}
					got["terminal"] = strings.TrimSpace(out.String())

					if got["sms"] == "" {
						t.Fatalf("conversation %d, message %d (%q): no SMS reply", n, i, text)
					}
					for _, ch := range []string{"whatsapp", "/try", "discord", "terminal"} {
						if got[ch] != got["sms"] {
							t.Errorf("conversation %d, message %d (%q):\n%-8s %q\nsms      %q", n, i, text, ch, got[ch], got["sms"])
						}
					}
				}
			}
		})
	}
}
