package whatsapp

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/bot/twilio"
	"github.com/rightsline/rightsline/bot/twilio/twiliotest"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// testTemplates: update.status.accepted approved in Korean and English,
// update.general in English only, update.status.closed in none.
const testTemplates = `
[messages."update.status.accepted"]
variables = ["commission", "ref"]
content.en = "HX0000000000000000000000000000ae01"
content.ko = "HX0000000000000000000000000000a0c0"

[messages."update.general"]
variables = ["ref"]
content.en = "HX0000000000000000000000000000e6e1"
`

func mustTemplates(t testing.TB) *Templates {
	t.Helper()
	tm, err := ParseTemplates(testTemplates)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// queue enqueues an update for the contact at phone, as intake does: the
// rendered body and the template it renders.
func queue(t testing.TB, st *store.Store, phone, body string, tmpl *store.OutboundTemplate) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := st.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.ContactForUpdate(ctx, Channel, phone)
		if err != nil {
			return err
		}
		id, err = tx.EnqueueOutbound(ctx, &store.Outbound{Channel: Channel, ContactID: c.ID, Address: c.Address, Body: body, Template: tmpl})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestSenderWindow: through a fake Twilio REST API on loopback, on both
// backends: within 24 hours of the resident's last message an update goes
// as free text (Body, split at 1600); after it, as the approved template
// of its language (ContentSid and ContentVariables, no Body), else the
// English one; with no template it fails at once, saying why, and nothing
// is posted; never as free text outside the window.
func TestSenderWindow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		f := newFixture(t, st, func(c *Config) { c.Templates = mustTemplates(t) })
		ft := twiliotest.New(t, testAccount, testToken)
		s, err := NewSender(f.cfg, st, ft.Client())
		if err != nil {
			t.Fatal(err)
		}
		const phone = "+12025550150"
		wrote := f.now
		f.say(phone, "안녕하세요")
		accepted := &store.OutboundTemplate{ID: "update.status.accepted", Lang: "ko", Vars: map[string]string{"ref": "DC-7Q3K", "commission": "DC Office of Human Rights"}}
		cases := []struct {
			name       string
			after      time.Duration
			body       string
			tmpl       *store.OutboundTemplate
			wantSid    string // ContentSid; "" for free text
			wantVars   map[string]string
			wantBodies int
			permanent  bool
		}{
			{name: "inside the window", after: time.Hour, body: "accepted (ko)", tmpl: accepted, wantBodies: 1},
			{name: "long, inside the window", after: 23 * time.Hour, body: strings.Repeat("긴 업데이트입니다. ", 200), tmpl: accepted, wantBodies: 2},
			{name: "at the margin", after: Window - WindowMargin, body: "accepted (ko)", tmpl: accepted, wantSid: "HX0000000000000000000000000000a0c0",
				wantVars: map[string]string{"1": "DC Office of Human Rights", "2": "DC-7Q3K"}},
			{name: "after 24 hours, Korean template", after: 25 * time.Hour, body: "accepted (ko)", tmpl: accepted, wantSid: "HX0000000000000000000000000000a0c0",
				wantVars: map[string]string{"1": "DC Office of Human Rights", "2": "DC-7Q3K"}},
			{name: "after 24 hours, English fallback", after: 48 * time.Hour, body: "news (ko)",
				tmpl:    &store.OutboundTemplate{ID: "update.general", Lang: "ko", Vars: map[string]string{"ref": "DC-7Q3K", "commission": "x"}},
				wantSid: "HX0000000000000000000000000000e6e1", wantVars: map[string]string{"1": "DC-7Q3K"}},
			{name: "after 24 hours, no template", after: 48 * time.Hour, body: "closed (ko)",
				tmpl: &store.OutboundTemplate{ID: "update.status.closed", Lang: "ko", Vars: map[string]string{"ref": "DC-7Q3K"}}, permanent: true},
			{name: "after 24 hours, a row that renders no template", after: 48 * time.Hour, body: "free text", permanent: true},
		}
		for _, tc := range cases {
			s.now = func() time.Time { return wrote.Add(tc.after) }
			id := queue(t, st, phone, tc.body, tc.tmpl)
			row, err := st.OutboundByID(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			before := len(ft.Messages())
			sid, err := s.Send(t.Context(), row)
			sent := ft.Messages()[before:]
			if tc.permanent {
				var nt *NoTemplateError
				if !outbox.IsPermanent(err) || !errors.As(err, &nt) || len(sent) != 0 {
					t.Fatalf("%s: err %v, posted %v; want a permanent NoTemplateError and nothing posted", tc.name, err, sent)
				}
				if strings.Contains(err.Error(), phone) || strings.Contains(err.Error(), tc.body) {
					t.Fatalf("%s: the error names the number or the text: %v", tc.name, err)
				}
				continue
			}
			if err != nil || sid == "" {
				t.Fatalf("%s: %q, %v", tc.name, sid, err)
			}
			for _, m := range sent {
				if m.Get("To") != Prefix+phone || m.Get("From") != Prefix+testFrom {
					t.Fatalf("%s: To %q From %q", tc.name, m.Get("To"), m.Get("From"))
				}
				cb, err := url.Parse(m.Get("StatusCallback"))
				if err != nil || cb.Path != StatusPath || !strings.HasPrefix(cb.Query().Get(twilio.OutboxParam), strconv.FormatInt(id, 10)+".") {
					t.Fatalf("%s: StatusCallback %q", tc.name, m.Get("StatusCallback"))
				}
			}
			if tc.wantSid == "" {
				if len(sent) != tc.wantBodies {
					t.Fatalf("%s: %d messages; want %d", tc.name, len(sent), tc.wantBodies)
				}
				var joined []string
				for _, m := range sent {
					if m.Get("ContentSid") != "" || m.Get("Body") == "" {
						t.Fatalf("%s: inside the window posted %v; want free text", tc.name, m)
					}
					joined = append(joined, m.Get("Body"))
				}
				if strings.ReplaceAll(strings.Join(joined, ""), " ", "") != strings.ReplaceAll(tc.body, " ", "") {
					t.Fatalf("%s: bodies %q", tc.name, joined)
				}
				continue
			}
			if len(sent) != 1 {
				t.Fatalf("%s: %d messages; want one template message", tc.name, len(sent))
			}
			m := sent[0]
			if _, hasBody := m["Body"]; hasBody || m.Get("ContentSid") != tc.wantSid {
				t.Fatalf("%s: posted Body %q ContentSid %q; want ContentSid %s and no Body", tc.name, m.Get("Body"), m.Get("ContentSid"), tc.wantSid)
			}
			var vars map[string]string
			if err := json.Unmarshal([]byte(m.Get("ContentVariables")), &vars); err != nil || len(vars) != len(tc.wantVars) {
				t.Fatalf("%s: ContentVariables %q: %v", tc.name, m.Get("ContentVariables"), err)
			}
			for k, v := range tc.wantVars {
				if vars[k] != v {
					t.Fatalf("%s: ContentVariables %v; want %v", tc.name, vars, tc.wantVars)
				}
			}
		}

		// A contact who never wrote is outside any window.
		s.now = func() time.Time { return wrote.Add(time.Minute) }
		before := len(ft.Messages())
		id := queue(t, st, "+12025550151", "accepted", &store.OutboundTemplate{ID: "update.status.accepted", Lang: "en", Vars: map[string]string{"ref": "DC-1", "commission": "OHR"}})
		row, _ := st.OutboundByID(t.Context(), id)
		if _, err := s.Send(t.Context(), row); err != nil {
			t.Fatal(err)
		}
		if m := ft.Messages()[before]; m.Get("ContentSid") != "HX0000000000000000000000000000ae01" || m.Get("Body") != "" {
			t.Fatalf("never wrote: posted %v; want the English template", m)
		}
	})
}

// TestOutboxThroughTwilio: the outbox dispatcher sends a WhatsApp update
// through the fake Twilio; the signed status callback naming the row
// records its delivery; an in-doubt template row is found again by
// Lookup, not sent twice; 21610 suppresses and opts out, as on SMS.
func TestOutboxThroughTwilio(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		f := newFixture(t, st, func(c *Config) { c.Templates = mustTemplates(t) })
		ft := twiliotest.New(t, testAccount, testToken)
		ft.Fail(Prefix+"+12025550161", 400, 21610)
		s, err := NewSender(f.cfg, st, ft.Client())
		if err != nil {
			t.Fatal(err)
		}
		s.now = func() time.Time { return f.now }
		const phone = "+12025550160"
		f.say(phone, "hello")
		f.say("+12025550161", "hello")
		id := queue(t, st, phone, "Staff answered your report.", nil)
		refusedID := queue(t, st, "+12025550161", "Staff answered your report.", nil)
		d := outbox.New(st, slog.New(slog.DiscardHandler))
		d.Now = func() time.Time { return f.now }
		d.Register(Channel, s)
		if _, err := d.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		ok, _ := st.OutboundByID(t.Context(), id)
		if ok.Status != store.OutboxSent || ok.ProviderID == "" {
			t.Fatalf("row %+v", ok)
		}
		if n := len(ft.Messages()); n != 1 || ft.Messages()[0].Get("Body") != "Staff answered your report." {
			t.Fatalf("twilio got %v", ft.Messages())
		}
		cb, _ := url.Parse(ft.Messages()[0].Get("StatusCallback"))
		if code := f.signed(cb.Path+"?"+cb.RawQuery, statusCallback(ok.ProviderID, "delivered", "", phone)).Code; code != 204 {
			t.Fatalf("status callback: %d", code)
		}
		if m, _ := st.OutboundByID(t.Context(), ok.ID); m.DeliveryStatus != "delivered" {
			t.Fatalf("delivery status %q", m.DeliveryStatus)
		}
		if code := f.post(StatusPath, statusCallback(ok.ProviderID, "read", "", phone), twilio.Sign("forged", testBase+StatusPath, statusCallback(ok.ProviderID, "read", "", phone))).Code; code != 403 {
			t.Fatalf("forged status callback: %d", code)
		}
		refused, _ := st.OutboundByID(t.Context(), refusedID)
		if refused.Status != store.OutboxSuppressed || !f.contact("+12025550161").OptedOut {
			t.Fatalf("21610 row %+v", refused)
		}

		// A template send whose attempt was left in doubt: Lookup finds
		// the message Twilio took, so the row is not sent again.
		s.now = func() time.Time { return f.now.Add(30 * time.Hour) }
		tmplID := queue(t, st, phone, "accepted", &store.OutboundTemplate{ID: "update.status.accepted", Lang: "en", Vars: map[string]string{"ref": "DC-2", "commission": "OHR"}})
		row, _ := st.OutboundByID(t.Context(), tmplID)
		since := f.now
		sid, err := s.Send(t.Context(), row)
		if err != nil {
			t.Fatal(err)
		}
		found, err := s.Lookup(t.Context(), row, since, map[string]bool{ok.ProviderID: true})
		if err != nil || found != sid {
			t.Fatalf("Lookup = %q, %v; want %q", found, err, sid)
		}
		if found, err := s.Lookup(t.Context(), row, since, map[string]bool{ok.ProviderID: true, sid: true}); err != nil || found != "" {
			t.Fatalf("Lookup with the message taken = %q, %v; want none", found, err)
		}
	})
}

// TestTemplatesFile: the example file in deploy/ parses; typos are refused
// at start-up, naming what is wrong.
func TestTemplatesFile(t *testing.T) {
	t.Parallel()
	tm, err := LoadTemplates("../../deploy/whatsapp-templates.example.toml")
	if err != nil || tm.Len() != 7 {
		t.Fatalf("example: %v, %d messages", err, tm.Len())
	}
	for name, bad := range map[string]string{
		"not a ContentSid":   `[messages."update.general"]` + "\ncontent.en = \"HX12\"\n",
		"unknown language":   `[messages."update.general"]` + "\ncontent.xx = \"HX0000000000000000000000000000e6e1\"\n",
		"no content":         `[messages."update.general"]` + "\nvariables = [\"ref\"]\n",
		"unknown setting":    `[messages."update.general"]` + "\ncontent.en = \"HX0000000000000000000000000000e6e1\"\nsid = \"x\"\n",
		"empty variable":     `[messages."update.general"]` + "\nvariables = [\"\"]\ncontent.en = \"HX0000000000000000000000000000e6e1\"\n",
		"not TOML":           "[messages",
		"a language's alias": `[messages."update.general"]` + "\ncontent.EN = \"HX0000000000000000000000000000e6e1\"\n",
	} {
		if _, err := ParseTemplates(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A variable the message does not have is refused when planned, not
	// sent with Twilio's placeholder text.
	tm, err = ParseTemplates(`[messages."update.general"]` + "\nvariables = [\"name\"]\ncontent.en = \"HX0000000000000000000000000000e6e1\"\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tm.Plan(time.Time{}, false, time.Now(), &store.OutboundTemplate{ID: "update.general", Lang: "en", Vars: map[string]string{"ref": "x"}}); err == nil {
		t.Fatal("a template variable the message lacks was accepted")
	}
	// Values go on one line.
	tm, _ = ParseTemplates(`[messages."update.general"]` + "\nvariables = [\"ref\"]\ncontent.en = \"HX0000000000000000000000000000e6e1\"\n")
	p, err := tm.Plan(time.Time{}, false, time.Now(), &store.OutboundTemplate{ID: "update.general", Lang: "en", Vars: map[string]string{"ref": "DC\n\t7Q3K   x"}})
	if err != nil || p.Variables != `{"1":"DC 7Q3K x"}` {
		t.Fatalf("plan %+v, %v", p, err)
	}
	if !strings.Contains(p.Note(), "HX0000000000000000000000000000e6e1") || !strings.Contains(p.Note(), "24 hours") {
		t.Fatalf("note %q", p.Note())
	}
}
