package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// fakeTwilio is Twilio's Messages API on loopback. It records every
// message it accepts and answers numbers in errs with a Twilio error.
type fakeTwilio struct {
	srv  *httptest.Server
	mu   sync.Mutex
	sent []url.Values
	errs map[string]twilioErr // To → error
}

type twilioErr struct {
	status, code int
}

func newFakeTwilio(t *testing.T) *fakeTwilio {
	ft := &fakeTwilio{errs: map[string]twilioErr{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{account}/Messages.json", func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != testAccount || pass != testToken || r.PathValue("account") != testAccount {
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]any{"code": 20003, "message": "Authenticate", "status": 401})
			return
		}
		if err := r.ParseForm(); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if e, ok := ft.errs[r.PostForm.Get("To")]; ok {
			w.WriteHeader(e.status)
			// Twilio's message quotes the number: it must not reach our errors.
			json.NewEncoder(w).Encode(map[string]any{"code": e.code, "message": "The 'To' number " + r.PostForm.Get("To") + " is not valid", "status": e.status})
			return
		}
		ft.mu.Lock()
		ft.sent = append(ft.sent, r.PostForm)
		n := len(ft.sent)
		ft.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"sid": fmt.Sprintf("SM%032d", n), "status": "queued", "account_sid": testAccount})
	})
	// The list, as Lookup reads it: filtered by To and From, newest first.
	mux.HandleFunc("GET /2010-04-01/Accounts/{account}/Messages.json", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var out []map[string]any
		ft.mu.Lock()
		for i := len(ft.sent) - 1; i >= 0; i-- {
			m := ft.sent[i]
			if q.Get("To") != "" && m.Get("To") != q.Get("To") || q.Get("From") != "" && m.Get("From") != q.Get("From") {
				continue
			}
			out = append(out, map[string]any{"sid": fmt.Sprintf("SM%032d", i+1), "to": m.Get("To"), "from": m.Get("From"),
				"body": m.Get("Body"), "direction": "outbound-api", "status": "sent"})
		}
		ft.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"messages": out, "page": 0, "page_size": 100, "next_page_uri": nil})
	})
	ft.srv = httptest.NewServer(mux)
	t.Cleanup(ft.srv.Close)
	return ft
}

// client reaches the fake through twilio-go, whose base URL is fixed at
// https://api.twilio.com: the transport sends that host to the fake and
// refuses every other.
func (ft *fakeTwilio) client() *http.Client {
	target, _ := url.Parse(ft.srv.URL)
	base := ft.srv.Client().Transport
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Host != "api.twilio.com" {
			return nil, fmt.Errorf("test: refusing a request to %s", r.URL.Host)
		}
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host = target.Scheme, target.Host
		return base.RoundTrip(r)
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (ft *fakeTwilio) messages() []url.Values {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return append([]url.Values(nil), ft.sent...)
}

func testConfig() Config {
	return Config{AccountSID: testAccount, AuthToken: testToken, From: testFrom, PublicBaseURL: testBase}
}

func TestSender(t *testing.T) {
	t.Parallel()
	ft := newFakeTwilio(t)
	ft.errs["+12025550401"] = twilioErr{400, 21610}
	ft.errs["+12025550402"] = twilioErr{400, 21211}
	ft.errs["+12025550403"] = twilioErr{503, 20500}
	ft.errs["+12025550404"] = twilioErr{429, 20429}
	s, err := NewSender(testConfig(), ft.client())
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
		before := len(ft.messages())
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
		got := ft.messages()[before:]
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
	ft := newFakeTwilio(t)
	cfg := testConfig()
	cfg.From, cfg.MessagingServiceSID = "", "MG0123456789abcdef0123456789abcdef"
	s, err := NewSender(cfg, ft.client())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(t.Context(), store.Outbound{Channel: Channel, Address: "+12025550410", Body: "hi"}); err != nil {
		t.Fatal(err)
	}
	m := ft.messages()[0]
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
		ft := newFakeTwilio(t)
		ft.errs["+12025550421"] = twilioErr{400, 21610}
		f := newFixture(t, st, nil)
		sender, err := NewSender(testConfig(), ft.client())
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
		if len(ft.messages()) != 1 || ft.messages()[0].Get("Body") != "Staff answered your report." {
			t.Fatalf("twilio got %v", ft.messages())
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
