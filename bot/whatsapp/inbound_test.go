package whatsapp

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/bot/bottest"
	"github.com/rightsline/rightsline/bot/twilio"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestInboundChecks: raw WhatsApp webhooks, signed and forged, well formed
// and not: a forged or missing signature is 403 and stores nothing; a
// signed form that is not a WhatsApp message (an SMS number's From, a bad
// MessageSid, another account) is 400; an oversized body is 413.
func TestInboundChecks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		f := newFixture(t, s, nil)
		sign := func(v url.Values) string { return twilio.Sign(testToken, testBase+InboundPath, v) }
		cases := []struct {
			name   string
			phone  string
			form   url.Values
			sig    func(url.Values) string
			want   int
			stored int
		}{
			{name: "signed", phone: "+12025550111", sig: sign, want: 200, stored: 1},
			{name: "forged: another token", phone: "+12025550112", sig: func(v url.Values) string { return twilio.Sign("another-token", testBase+InboundPath, v) }, want: 403},
			{name: "forged: the SMS path's signature", phone: "+12025550113", sig: func(v url.Values) string { return twilio.Sign(testToken, testBase+"/twilio/sms", v) }, want: 403},
			{name: "unsigned", phone: "+12025550114", sig: func(url.Values) string { return "" }, want: 403},
			{name: "tampered after signing", phone: "+12025550115", sig: func(v url.Values) string {
				sig := sign(v)
				v.Set("Body", "changed")
				return sig
			}, want: 403},
			{name: "an SMS number's From", phone: "+12025550116", form: func() url.Values {
				v := inbound("+12025550116", "hi", newSid())
				v.Set("From", "+12025550116")
				return v
			}(), sig: sign, want: 400},
			{name: "bad MessageSid", phone: "+12025550117", form: inbound("+12025550117", "hi", "XX123"), sig: sign, want: 400},
			{name: "another account", phone: "+12025550118", form: func() url.Values {
				v := inbound("+12025550118", "hi", newSid())
				v.Set("AccountSid", "AC99999999999999999999999999999999")
				return v
			}(), sig: sign, want: 400},
			{name: "not a number", phone: "+12025550119", form: func() url.Values {
				v := inbound("+12025550119", "hi", newSid())
				v.Set("From", "whatsapp:<script>")
				return v
			}(), sig: sign, want: 400},
			{name: "a photo", phone: "+12025550121", form: func() url.Values {
				v := inbound("+12025550121", "my tent", newSid())
				v.Set("NumMedia", "1")
				v.Set("MediaUrl0", twilio.DefaultMediaBaseURL+"/2010-04-01/Accounts/"+testAccount+"/Messages/"+newSid()+"/Media/ME0123456789abcdef0123456789abcdef")
				v.Set("MediaContentType0", "image/jpeg")
				return v
			}(), sig: sign, want: 200, stored: 1},
			{name: "media elsewhere than Twilio", phone: "+12025550122", form: func() url.Values {
				v := inbound("+12025550122", "", newSid())
				v.Set("NumMedia", "1")
				v.Set("MediaUrl0", "http://169.254.169.254/latest/meta-data")
				v.Set("MediaContentType0", "image/jpeg")
				return v
			}(), sig: sign, want: 400},
			{name: "more media than NumMedia", phone: "+12025550123", form: func() url.Values {
				v := inbound("+12025550123", "", newSid())
				v.Set("MediaUrl0", twilio.DefaultMediaBaseURL+"/2010-04-01/Accounts/"+testAccount+"/Messages/"+newSid()+"/Media/ME0123456789abcdef0123456789abcdef")
				return v
			}(), sig: sign, want: 400},
			{name: "too big", phone: "+12025550120", form: func() url.Values {
				return inbound("+12025550120", strings.Repeat("x", twilio.MaxBody), newSid())
			}(), sig: sign, want: 413},
		}
		for _, tc := range cases {
			form := tc.form
			if form == nil {
				form = inbound(tc.phone, "hello", newSid())
			}
			sig := tc.sig(form)
			if rec := f.post(InboundPath, form, sig); rec.Code != tc.want {
				t.Fatalf("%s: status %d; want %d (%s)", tc.name, rec.Code, tc.want, rec.Body)
			}
			if n := f.inboundCount(tc.phone); n != tc.stored {
				t.Fatalf("%s: %d messages stored; want %d", tc.name, n, tc.stored)
			}
		}
		// Only POST is routed.
		rec := httptest.NewRecorder()
		f.mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, InboundPath, nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Fatalf("GET: %d", rec.Code)
		}
	})
}

// TestFirstMessageInKorean: a first WhatsApp message in Korean is answered
// in Korean, the contact is stored under "whatsapp" with the bare number,
// and nothing of the profile name WhatsApp sends is stored anywhere the
// contact's data is.
func TestFirstMessageInKorean(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		f := newFixture(t, s, nil)
		const phone = "+12025550130"
		got := f.say(phone, "안녕하세요")
		if len(got) == 0 || !bottest.InLanguage(testCatalog, locales.Korean, strings.Join(got, "\n\n")) {
			t.Fatalf("replied %q; want Korean", got)
		}
		c := f.contact(phone)
		if c.Address != phone || c.Channel != Channel {
			t.Fatalf("contact %+v", c)
		}
		msgs, err := s.Transcript(t.Context(), c.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if strings.Contains(m.Body, "Jae Kim") {
				t.Fatalf("the WhatsApp profile name was stored: %q", m.Body)
			}
		}
	})
}

// TestRetriedMessageSid: Twilio retrying a webhook gets the same replies
// and the message is stored once.
func TestRetriedMessageSid(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		f := newFixture(t, s, nil)
		const phone = "+12025550131"
		form := inbound(phone, "hello", newSid())
		first := f.signed(InboundPath, form)
		again := f.signed(InboundPath, form)
		if first.Code != 200 || again.Code != 200 {
			t.Fatalf("status %d, %d", first.Code, again.Code)
		}
		a, b := twimlMessages(t, first.Body.String()), twimlMessages(t, again.Body.String())
		if len(a) == 0 || strings.Join(a, "|") != strings.Join(b, "|") {
			t.Fatalf("retry answered %q; first %q", b, a)
		}
		if n := f.inboundCount(phone); n != 1 {
			t.Fatalf("%d stored; want 1", n)
		}
	})
}

// TestOddInput: the shared odd-input table through a signed WhatsApp
// webhook on both backends: a reply in the person's language and the
// message stored, cleaned.
func TestOddInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		f := newFixture(t, s, nil)
		for i, tc := range bottest.OddInputs {
			for j, lang := range []locales.Lang{locales.Korean, locales.Spanish} {
				phone := "+120255503" + string(rune('0'+i)) + string(rune('0'+j))
				if err := s.InTx(t.Context(), func(tx *store.Tx) error {
					c, err := tx.ContactForUpdate(t.Context(), Channel, phone)
					if err != nil {
						return err
					}
					return tx.SetContactLang(t.Context(), c.ID, string(lang))
				}); err != nil {
					t.Fatal(err)
				}
				got := f.say(phone, tc.Text)
				if len(got) == 0 || !bottest.InLanguage(testCatalog, lang, strings.Join(got, "\n\n")) {
					t.Fatalf("%s (%s): replied %q", tc.Name, lang, got)
				}
				msgs, err := s.Transcript(t.Context(), f.contact(phone).ID, 0)
				if err != nil || len(msgs) == 0 || msgs[0].Direction != store.DirectionIn {
					t.Fatalf("%s: transcript %v, %v", tc.Name, msgs, err)
				}
				if msgs[0].Body != tc.Stored {
					t.Fatalf("%s: stored %q; want %q", tc.Name, msgs[0].Body, tc.Stored)
				}
			}
		}
	})
}

// TestLongReplySplit: a message longer than Twilio's 1600-character Body
// goes as several TwiML messages that together hold all of it.
func TestLongReplySplit(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("경찰이 내 물건을 가져갔어요. ", 200)
	ps := parts(long)
	if len(ps) < 2 {
		t.Fatalf("%d parts", len(ps))
	}
	for _, p := range ps {
		if n := locales.UTF16(p); n > MaxMessage {
			t.Fatalf("part of %d code units", n)
		}
	}
	if strings.Join(ps, "") != strings.TrimSpace(long) && strings.ReplaceAll(strings.Join(ps, ""), " ", "") != strings.ReplaceAll(long, " ", "") {
		t.Fatal("text lost in splitting")
	}
}
