package sms

import (
	"context"
	"errors"
	"github.com/rightsline/rightsline/bot/twilio/twiliotest"
	"log/slog"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

func testConfig() Config {
	return Config{AccountSID: testAccount, AuthToken: testToken, From: testFrom, PublicBaseURL: testBase}
}

func TestSender(t *testing.T) {
	t.Parallel()
	ft := twiliotest.New(t, testAccount, testToken)
	ft.Fail("+12025550401", 400, 21610)
	ft.Fail("+12025550402", 400, 21211)
	ft.Fail("+12025550403", 503, 20500)
	ft.Fail("+12025550404", 429, 20429)
	s, err := NewSender(testConfig(), ft.Client())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	cases := []struct {
		to, body            string
		wantErr             bool
		optedOut, permanent bool
		wantParts           int
		code                string // the error's ProviderCode, for metrics
	}{
		{to: "+12025550400", body: "Your report DC-7Q3 was received.", wantParts: 1},
		{to: "+12025550405", body: strings.Repeat("A staff member answered. ", 100), wantParts: 2},
		{to: "+12025550401", body: "x", wantErr: true, optedOut: true, code: "twilio_21610"},
		{to: "+12025550402", body: "x", wantErr: true, permanent: true, code: "twilio_21211"},
		{to: "+12025550403", body: "x", wantErr: true, code: "twilio_20500"},
		{to: "+12025550404", body: "x", wantErr: true, code: "twilio_20429"},
	}
	for _, tc := range cases {
		before := len(ft.Messages())
		sid, err := s.Send(ctx, store.Outbound{Channel: Channel, ContactID: 1, Address: tc.to, Body: tc.body})
		if (err != nil) != tc.wantErr {
			t.Fatalf("%s: err %v", tc.to, err)
		}
		if err != nil {
			if errors.Is(err, outbox.ErrOptedOut) != tc.optedOut || outbox.IsPermanent(err) != tc.permanent {
				t.Fatalf("%s: err %v: opted out %v, permanent %v", tc.to, err, errors.Is(err, outbox.ErrOptedOut), outbox.IsPermanent(err))
			}
			if strings.Contains(err.Error(), tc.to) || strings.Contains(err.Error(), tc.to[1:]) {
				t.Fatalf("error text contains the number: %v", err)
			}
			var pc interface{ ProviderCode() string }
			if !errors.As(err, &pc) || pc.ProviderCode() != tc.code {
				t.Fatalf("%s: err %v has no provider code %s", tc.to, err, tc.code)
			}
			continue
		}
		if !strings.HasPrefix(sid, "SM") {
			t.Fatalf("sid %q", sid)
		}
		got := ft.Messages()[before:]
		if len(got) != tc.wantParts {
			t.Fatalf("%s: %d messages; want %d", tc.to, len(got), tc.wantParts)
		}
		var bodies []string
		for _, m := range got {
			if m.Get("To") != tc.to || m.Get("From") != testFrom || m.Get("StatusCallback") != testBase+StatusPath {
				t.Fatalf("sent %v", m)
			}
			bodies = append(bodies, m.Get("Body"))
		}
		if strings.Join(bodies, " ") != strings.TrimSpace(tc.body) {
			t.Fatalf("%s: bodies %q", tc.to, bodies)
		}
	}
	if _, err := s.Send(ctx, store.Outbound{Channel: "discord", Address: "u", Body: "x"}); !outbox.IsPermanent(err) {
		t.Fatalf("a discord row: %v", err)
	}
}

func TestSenderMessagingService(t *testing.T) {
	t.Parallel()
	ft := twiliotest.New(t, testAccount, testToken)
	cfg := testConfig()
	cfg.From, cfg.MessagingServiceSID = "", "MG0123456789abcdef0123456789abcdef"
	s, err := NewSender(cfg, ft.Client())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(t.Context(), store.Outbound{Channel: Channel, Address: "+12025550410", Body: "hi"}); err != nil {
		t.Fatal(err)
	}
	m := ft.Messages()[0]
	if m.Get("MessagingServiceSid") != cfg.MessagingServiceSID || m.Has("From") {
		t.Fatalf("sent %v", m)
	}
}

// TestOutboxThroughTwilio: a staff update enqueued in a transaction is sent
// through the fake Twilio by the dispatcher, its MessageSid stored, and its
// delivery report recorded against it; on both backends.
func TestOutboxThroughTwilio(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		ft := twiliotest.New(t, testAccount, testToken)
		ft.Fail("+12025550421", 400, 21610)
		f := newFixture(t, st, nil)
		sender, err := NewSender(testConfig(), ft.Client())
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for _, phone := range []string{"+12025550420", "+12025550421"} {
			f.run(t, phone, "en", []step{{"hello", "*"}})
			c := f.contact(phone)
			err := st.InTx(t.Context(), func(tx *store.Tx) error {
				id, err := tx.EnqueueOutbound(t.Context(), &store.Outbound{Channel: Channel, ContactID: c.ID, Address: c.Address, Body: "Staff answered your report."})
				ids[phone] = id
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		d := outbox.New(st, slog.New(slog.DiscardHandler))
		d.Register(Channel, sender)
		if _, err := d.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		ok, _ := st.OutboundByID(t.Context(), ids["+12025550420"])
		if ok.Status != store.OutboxSent || ok.ProviderID == "" {
			t.Fatalf("row %+v", ok)
		}
		if len(ft.Messages()) != 1 || ft.Messages()[0].Get("Body") != "Staff answered your report." {
			t.Fatalf("twilio got %v", ft.Messages())
		}
		if code := f.signed(StatusPath, statusCallback(ok.ProviderID, "delivered", "", "+12025550420")).Code; code != 204 {
			t.Fatal(code)
		}
		if m, _ := st.OutboundByID(t.Context(), ok.ID); m.DeliveryStatus != "delivered" {
			t.Fatalf("delivery status %q", m.DeliveryStatus)
		}
		refused, _ := st.OutboundByID(t.Context(), ids["+12025550421"])
		if refused.Status != store.OutboxSuppressed || !f.contact("+12025550421").OptedOut {
			t.Fatalf("21610 row %+v", refused)
		}
	})
}

func TestConfigCheck(t *testing.T) {
	t.Parallel()
	good := testConfig()
	if err := good.Check(); err != nil {
		t.Fatal(err)
	}
	bad := []func(*Config){
		func(c *Config) { c.AccountSID = "" },
		func(c *Config) { c.AccountSID = "XX123" },
		func(c *Config) { c.AuthToken = "" },
		func(c *Config) { c.From = "" },
		func(c *Config) { c.PublicBaseURL = "" },
		func(c *Config) { c.PublicBaseURL = "rightsline.example.org" },
		func(c *Config) { c.PublicBaseURL = "https://rightsline.example.org/sms" },
	}
	for i, mod := range bad {
		c := testConfig()
		mod(&c)
		if err := c.Check(); err == nil {
			t.Errorf("case %d accepted", i)
		} else if strings.Contains(err.Error(), testToken) {
			t.Errorf("error quotes the token")
		}
	}
	if (Config{}).Enabled() {
		t.Error("empty config enabled")
	}
}
