package sms

import (
	"github.com/rightsline/rightsline/bot/twilio"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestInboundChecks: raw Twilio payloads, signed, forged, oversized and
// malformed, with the status each must get. A refused request stores
// nothing.
func TestInboundChecks(t *testing.T) {
	t.Parallel()
	const phone = "+12025550111"
	cases := []struct {
		name   string
		form   url.Values
		sig    func(form url.Values) string
		raw    string // body sent as is, instead of form
		want   int
		stored int
	}{
		{name: "signed", form: inbound(phone, "hello", newSid()),
			sig: func(f url.Values) string { return twilio.Sign(testToken, testBase+InboundPath, f) }, want: 200, stored: 1},
		{name: "no signature", form: inbound(phone, "hello", newSid()),
			sig: func(url.Values) string { return "" }, want: 403},
		{name: "signed with another token", form: inbound(phone, "hello", newSid()),
			sig: func(f url.Values) string { return twilio.Sign("another-token", testBase+InboundPath, f) }, want: 403},
		{name: "signed for http, not https", form: inbound(phone, "hello", newSid()),
			sig: func(f url.Values) string {
				return twilio.Sign(testToken, "http://rightsline.example.org"+InboundPath, f)
			}, want: 403},
		{name: "signed for another host", form: inbound(phone, "hello", newSid()),
			sig: func(f url.Values) string { return twilio.Sign(testToken, "https://evil.example"+InboundPath, f) }, want: 403},
		{name: "signed with a trailing slash", form: inbound(phone, "hello", newSid()),
			sig: func(f url.Values) string { return twilio.Sign(testToken, testBase+InboundPath+"/", f) }, want: 403},
		{name: "signed with the default port", form: inbound(phone, "hello", newSid()),
			sig: func(f url.Values) string {
				return twilio.Sign(testToken, "https://rightsline.example.org:443"+InboundPath, f)
			}, want: 200, stored: 1},
		{name: "body changed after signing", form: inbound(phone, "hello", newSid()),
			sig: func(f url.Values) string {
				g := url.Values{}
				for k, v := range f {
					g[k] = v
				}
				g.Set("Body", "helLo")
				return twilio.Sign(testToken, testBase+InboundPath, g)
			}, want: 403},
		{name: "field repeated", form: func() url.Values {
			f := inbound(phone, "hello", newSid())
			f.Add("Body", "again")
			return f
		}(), sig: func(f url.Values) string { return twilio.Sign(testToken, testBase+InboundPath, f) }, want: 403},
		{name: "signed but no MessageSid", form: func() url.Values {
			f := inbound(phone, "hello", "")
			f.Del("MessageSid")
			f.Del("SmsSid")
			f.Del("SmsMessageSid")
			return f
		}(), sig: func(f url.Values) string { return twilio.Sign(testToken, testBase+InboundPath, f) }, want: 400},
		{name: "signed but malformed MessageSid", form: inbound(phone, "hello", "SM'; DROP TABLE messages;--"),
			sig: func(f url.Values) string { return twilio.Sign(testToken, testBase+InboundPath, f) }, want: 400},
		{name: "signed but another account", form: func() url.Values {
			f := inbound(phone, "hello", newSid())
			f.Set("AccountSid", "ACffffffffffffffffffffffffffffffff")
			return f
		}(), sig: func(f url.Values) string { return twilio.Sign(testToken, testBase+InboundPath, f) }, want: 400},
		{name: "signed but no From", form: inbound("", "hello", newSid()),
			sig: func(f url.Values) string { return twilio.Sign(testToken, testBase+InboundPath, f) }, want: 400},
		{name: "oversized, unsigned", raw: "Body=" + strings.Repeat("a", 70<<10), want: 413},
		{name: "oversized, signed", form: inbound(phone, strings.Repeat("a", 70<<10), newSid()),
			sig: func(f url.Values) string { return twilio.Sign(testToken, testBase+InboundPath, f) }, want: 413},
		{name: "not a form", raw: "%zz=%%", sig: func(url.Values) string { return "x" }, want: 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := sqliteFixture(t, nil)
			var rec interface {
				Result() *http.Response
			}
			if tc.raw != "" {
				sig := ""
				if tc.sig != nil {
					sig = tc.sig(nil)
				}
				rec = f.postRaw(InboundPath, tc.raw, sig)
			} else {
				rec = f.post(InboundPath, tc.form, tc.sig(tc.form))
			}
			res := rec.Result()
			if res.StatusCode != tc.want {
				t.Fatalf("status %d; want %d", res.StatusCode, tc.want)
			}
			if got := f.inboundCount(phone); got != tc.stored {
				t.Fatalf("stored %d inbound messages; want %d", got, tc.stored)
			}
			if tc.want == 200 && !strings.HasPrefix(res.Header.Get("Content-Type"), "text/xml") {
				t.Fatalf("content type %q", res.Header.Get("Content-Type"))
			}
		})
	}
}

// TestInboundRoutesOnlyPost: other methods never reach the handler.
func TestInboundRoutesOnlyPost(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t, nil)
	for _, p := range []string{InboundPath, StatusPath} {
		req, _ := http.NewRequest(http.MethodGet, p, nil)
		rec := newRecorder()
		f.mux.ServeHTTP(rec, req)
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("GET %s: %d", p, rec.Code)
		}
	}
}

// TestRetriedMessageSid: Twilio retries a webhook with the same MessageSid;
// the retry gets byte-identical TwiML and nothing is stored twice, on both
// the engine's path and the channel's own (STOP, HELP), on both backends.
func TestRetriedMessageSid(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		f := newFixture(t, s, nil)
		const phone = "+12025550112"
		for _, body := range []string{"hello", "1", "HELP", "STOP", "anything", "START"} {
			form := inbound(phone, body, newSid())
			first := f.signed(InboundPath, form)
			before := f.inboundCount(phone)
			again := f.signed(InboundPath, form)
			if first.Code != 200 || again.Code != 200 {
				t.Fatalf("%q: status %d then %d", body, first.Code, again.Code)
			}
			if first.Body.String() != again.Body.String() {
				t.Fatalf("%q: retry answered differently:\n%s\n---\n%s", body, first.Body, again.Body)
			}
			if after := f.inboundCount(phone); after != before {
				t.Fatalf("%q: retry stored again (%d → %d)", body, before, after)
			}
		}
		if n := f.inboundCount(phone); n != 6 {
			t.Fatalf("stored %d inbound; want 6", n)
		}
	})
}

// TestFirstMessageGetsWelcome: a signed "hello" from a new number gets the
// welcome, and the stored reply is the one sent; a first message that is
// itself a topic gets the one-line notice and the answer, in one SMS
// within its budget.
func TestFirstMessageGetsWelcome(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t, nil)
	rec := f.signed(InboundPath, inbound("+12025550114", "me cambiaron la cerradura", newSid()))
	if msgs := twimlMessages(t, rec.Body.String()); len(msgs) != 1 ||
		!strings.HasPrefix(msgs[0], text(t, locales.Spanish, "common.first_notice")+"\n\n") ||
		!strings.Contains(msgs[0], text(t, locales.Spanish, "housing.eviction")) ||
		strings.Contains(msgs[0], text(t, locales.Spanish, "main.menu")) ||
		locales.MeasureSMS(msgs[0]).Segments > flows.BudgetTopicFirst.UCS2 {
		t.Fatalf("topic-first replies %q", msgs)
	}
	rec = f.signed(InboundPath, inbound("+12025550113", "hola", newSid()))
	msgs := twimlMessages(t, rec.Body.String())
	if len(msgs) != 1 || !strings.Contains(msgs[0], "Rightsline") {
		t.Fatalf("replies %q", msgs)
	}
	c := f.contact("+12025550113")
	if c.Lang != "es" {
		t.Fatalf("contact language %q; want es (detected)", c.Lang)
	}
	if !strings.Contains(msgs[0], text(t, locales.Spanish, "main.welcome")) {
		t.Fatalf("not welcomed in Spanish: %q", msgs[0])
	}
}
