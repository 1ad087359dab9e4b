package sms

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// step is one message of a scripted exchange and what must come back:
// want is a catalog message ID expected as the whole reply, "" for no
// reply at all, or "*" for any reply from the conversation.
type step struct {
	body string
	want string
}

// run posts each step signed from phone and checks the replies.
func (f *fixture) run(t *testing.T, phone string, l locales.Lang, steps []step) {
	t.Helper()
	for i, st := range steps {
		rec := f.signed(InboundPath, inbound(phone, st.body, newSid()))
		if rec.Code != 200 {
			t.Fatalf("step %d %q: status %d", i, st.body, rec.Code)
		}
		got := twimlMessages(t, rec.Body.String())
		switch st.want {
		case "":
			if len(got) != 0 {
				t.Fatalf("step %d %q: replied %q; want nothing", i, st.body, got)
			}
		case "*":
			if len(got) == 0 {
				t.Fatalf("step %d %q: no reply", i, st.body)
			}
		default:
			want := text(t, l, st.want)
			if len(got) != 1 || got[0] != want {
				t.Fatalf("step %d %q: replied %q; want %s %q", i, st.body, got, st.want, want)
			}
		}
	}
}

// TestOptOutAndBack: STOP (every carrier word, any case) is confirmed once
// in the contact's language, then nothing is sent on any path (replies,
// HELP, the outbox) until START, UNSTOP or YES.
func TestOptOutAndBack(t *testing.T) {
	t.Parallel()
	cases := []struct {
		lang       locales.Lang
		stop, back string
	}{
		{locales.English, "STOP", "START"},
		{locales.Spanish, "stop", "start"},
		{locales.ChineseTraditional, "Unsubscribe", "UNSTOP"},
		{locales.Vietnamese, "cancel", "yes"},
		{locales.Korean, "END", "Start"},
		{locales.Amharic, "quit", "START"},
		{locales.French, "Stop.", "unstop"},
		{locales.ChineseSimplified, "OPTOUT", "YES"},
		{locales.English, "revoke", "start"},
		{locales.Spanish, "STOPALL", "START"},
	}
	for _, tc := range cases {
		t.Run(string(tc.lang)+"/"+tc.stop, func(t *testing.T) {
			t.Parallel()
			f := sqliteFixture(t, nil)
			phone := "+1202555" + strings.Repeat("0", 4)
			f.setLang(phone, tc.lang)
			f.run(t, phone, tc.lang, []step{
				{"menu", "*"},
				{tc.stop, "sms.stopped"},
				{"menu", ""},
				{"HELP", ""},
				{"", ""},
				{tc.stop, ""},
			})
			c := f.contact(phone)
			if !c.OptedOut {
				t.Fatal("contact not opted out")
			}
			// A staff update enqueued now is suppressed, never sent.
			var queued int64
			err := f.st.InTx(t.Context(), func(tx *store.Tx) error {
				var err error
				queued, err = tx.EnqueueOutbound(t.Context(), &store.Outbound{Channel: Channel, ContactID: c.ID, Address: phone, Body: "Update on your report"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			d := outbox.New(f.st, slog.New(slog.DiscardHandler))
			sent := 0
			d.Register(Channel, outbox.SenderFunc(func(_ context.Context, _ store.Outbound) (string, error) { sent++; return "SMx", nil }))
			if _, err := d.RunOnce(t.Context()); err != nil {
				t.Fatal(err)
			}
			if m, _ := f.st.OutboundByID(t.Context(), queued); m.Status != store.OutboxSuppressed || sent != 0 {
				t.Fatalf("outbox row %s after %d sends; want suppressed", m.Status, sent)
			}
			f.run(t, phone, tc.lang, []step{
				{tc.back, "sms.started"},
				{"menu", "*"},
			})
			if f.contact(phone).OptedOut {
				t.Fatal("contact still opted out")
			}
			if n := f.inboundCount(phone); n != 8 {
				t.Fatalf("stored %d inbound messages; want all 8", n)
			}
			// The ledger holds the withdrawal and the renewal, once each
			// (the repeated STOP changed nothing), with the exact texts.
			ledger, err := f.st.ContactConsents(t.Context(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range ledger {
				if e.Kind != store.ConsentTexts || e.Channel != Channel || e.TextLang != string(tc.lang) {
					t.Fatalf("ledger entry %+v; want texts on sms in %s", e, tc.lang)
				}
				if want := store.TextVersion(text(t, tc.lang, e.TextID)); e.TextVersion != want {
					t.Fatalf("ledger entry %s version %s; want %s", e.TextID, e.TextVersion, want)
				}
				got = append(got, fmt.Sprintf("%s:%v", e.TextID, e.Granted))
			}
			if strings.Join(got, " ") != "sms.stopped:false sms.started:true" {
				t.Fatalf("ledger %q; want the STOP withdrawal then the restart", got)
			}
		})
	}
}

// TestHelp: HELP and INFO name the service, how to stop, and 911, in the
// contact's language, and do not move the conversation.
func TestHelp(t *testing.T) {
	t.Parallel()
	for _, l := range locales.All {
		t.Run(string(l), func(t *testing.T) {
			t.Parallel()
			f := sqliteFixture(t, nil)
			phone := "+12025550120"
			f.setLang(phone, l)
			f.run(t, phone, l, []step{{"help", "sms.help"}, {" INFO ", "sms.help"}, {"Help!", "sms.help"}})
			h := text(t, l, "sms.help")
			for _, must := range []string{"Rightsline", "STOP", "911"} {
				if !strings.Contains(h, must) {
					t.Errorf("%s help lacks %q: %q", l, must, h)
				}
			}
		})
	}
}

// TestYesIsAnAnswerUnlessOptedOut: YES opts back in only an opted-out
// contact; otherwise it goes to the conversation.
func TestYesIsAnAnswerUnlessOptedOut(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t, nil)
	phone := "+12025550121"
	f.setLang(phone, locales.English)
	rec := f.signed(InboundPath, inbound(phone, "yes", newSid()))
	got := twimlMessages(t, rec.Body.String())
	if len(got) == 0 || got[0] == text(t, locales.English, "sms.started") {
		t.Fatalf("yes from an opted-in contact answered %q", got)
	}
}

// TestAdvancedOptOut: with Twilio's Advanced Opt-Out we record and honour
// the keywords but send no confirmation (Twilio does).
func TestAdvancedOptOut(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t, func(c *Config) { c.AdvancedOptOut = true })
	phone := "+12025550122"
	f.run(t, phone, locales.English, []step{{"hi", "*"}, {"STOP", ""}, {"hi", ""}, {"HELP", ""}})
	if !f.contact(phone).OptedOut {
		t.Fatal("not opted out")
	}
	f.run(t, phone, locales.English, []step{{"START", ""}, {"menu", "*"}})
	if f.contact(phone).OptedOut {
		t.Fatal("still opted out")
	}
	if n := f.inboundCount(phone); n != 6 {
		t.Fatalf("stored %d; want 6", n)
	}
}

// TestOptOutRace: STOP committed while another message is in the engine
// still wins; checked on both backends with concurrent webhooks.
func TestOptOutHonouredOnBothBackends(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		f := newFixture(t, s, nil)
		phone := "+12025550123"
		f.run(t, phone, locales.English, []step{{"hello", "*"}, {"STOP", "sms.stopped"}, {"1", ""}, {"UNSTOP", "sms.started"}})
		// STOP as the very first message, before any conversation.
		first := "+12025550126"
		f.run(t, first, locales.English, []step{{"STOP", "sms.stopped"}, {"hello", ""}, {"menu", ""}, {"START", "sms.started"}, {"menu", "*"}})
	})
}

// TestRateLimit: over the limit a sender gets one polite notice per
// window and then silence; every message is still stored, and STOP still
// works.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t, func(c *Config) { c.RateLimitPerMinute = 3 })
	phone := "+12025550124"
	other := "+12025550125"
	f.setLang(phone, locales.Korean)
	f.run(t, phone, locales.Korean, []step{
		{"menu", "*"}, {"menu", "*"}, {"menu", "*"},
		{"menu", "sms.rate_limited"},
		{"menu", ""}, {"menu", ""},
	})
	// Another sender is unaffected.
	f.run(t, other, locales.English, []step{{"hi", "*"}})
	// STOP is never rate-limited.
	f.run(t, phone, locales.Korean, []step{{"STOP", "sms.stopped"}})
	// A new window.
	f.now = f.now.Add(time.Minute)
	f.run(t, phone, locales.Korean, []step{{"START", "sms.started"}, {"menu", "*"}})
	if n := f.inboundCount(phone); n != 9 {
		t.Fatalf("stored %d inbound; want 9", n)
	}
}

// TestRateLimitSharedByInstances: two instances on one database share a
// sender's count (a burst spread over a load balancer is still one burst),
// on both backends.
func TestRateLimitSharedByInstances(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		a := newFixture(t, st, func(c *Config) { c.RateLimitPerMinute = 4 })
		b := newFixture(t, st, func(c *Config) { c.RateLimitPerMinute = 4 })
		phone := "+12025550131"
		for i, want := range []string{"*", "*", "*", "*", "sms.rate_limited", "", ""} {
			f := a
			if i%2 == 1 {
				f = b
			}
			f.run(t, phone, locales.English, []step{{"menu", want}})
		}
		if n := a.inboundCount(phone); n != 7 {
			t.Fatalf("stored %d inbound; want all 7", n)
		}
	})
}

// TestRetryAfterStopSendsNothing: Twilio retries a HELP that was answered
// before the person sent STOP; the retry gets nothing. A retried STOP gets
// its confirmation again.
func TestRetryAfterStopSendsNothing(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t, nil)
	phone := "+12025550127"
	help := inbound(phone, "HELP", newSid())
	if got := twimlMessages(t, f.signed(InboundPath, help).Body.String()); len(got) != 1 {
		t.Fatalf("help: %q", got)
	}
	stop := inbound(phone, "STOP", newSid())
	first := twimlMessages(t, f.signed(InboundPath, stop).Body.String())
	if got := twimlMessages(t, f.signed(InboundPath, help).Body.String()); len(got) != 0 {
		t.Fatalf("retried help after STOP answered %q", got)
	}
	again := twimlMessages(t, f.signed(InboundPath, stop).Body.String())
	if len(first) != 1 || len(again) != 1 || first[0] != again[0] {
		t.Fatalf("retried STOP: %q then %q", first, again)
	}
	if n := f.inboundCount(phone); n != 2 {
		t.Fatalf("stored %d inbound; want 2", n)
	}
}
