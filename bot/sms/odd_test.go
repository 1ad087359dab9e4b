package sms

import (
	"strings"
	"testing"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestOddInput: empty, media-only, the longest message Twilio delivers,
// emoji, right-to-left text, control characters, invalid UTF-8 and SQL
// all get a reply without error and are stored, on both backends (Postgres
// refuses NUL in text; the channel drops it first).
func TestOddInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		body     string
		numMedia string
		want     string // catalog ID of the whole reply, or "*"
		stored   string // the text stored, if it differs from body
	}{
		{name: "empty", body: "", want: "sms.empty"},
		{name: "spaces only", body: "  \n ", want: "sms.empty"},
		{name: "media only", body: "", numMedia: "2", want: "media.outside"},
		{name: "media with text", body: "my lease", numMedia: "1", want: "*"},
		{name: "1600 characters", body: strings.Repeat("My landlord changed the locks. ", 52)[:1600], want: "*"},
		{name: "emoji", body: "🏠🔑😢 help me 👍🏽", want: "*"},
		{name: "right to left", body: "\u202bمرحبا، أحتاج مساعدة\u202c", want: "*"},
		{name: "control characters", body: "he\x00llo\x1b[31m\r\nthere\x07", want: "*", stored: "hello[31m\nthere"},
		{name: "invalid UTF-8", body: "caf\xe9 \xff", want: "*", stored: "caf\uFFFD \uFFFD"},
		{name: "SQL", body: "'); DROP TABLE contacts; --", want: "*"},
		{name: "only punctuation", body: "?!?", want: "*"},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		f := newFixture(t, s, func(c *Config) { c.RateLimitPerMinute = 1000 })
		for i, tc := range cases {
			phone := "+120255502" + string(rune('0'+i/10)) + string(rune('0'+i%10))
			f.setLang(phone, locales.English)
			form := inbound(phone, tc.body, newSid())
			if tc.numMedia != "" {
				withMedia(form, DefaultMediaBaseURL, "image/jpeg", int(tc.numMedia[0]-'0'))
			}
			rec := f.signed(InboundPath, form)
			if rec.Code != 200 {
				t.Fatalf("%s: status %d: %s", tc.name, rec.Code, rec.Body)
			}
			got := twimlMessages(t, rec.Body.String())
			if tc.want == "*" {
				if len(got) == 0 || got[0] == "" {
					t.Fatalf("%s: no reply", tc.name)
				}
			} else if len(got) != 1 || got[0] != text(t, locales.English, tc.want) {
				t.Fatalf("%s: replied %q; want %s", tc.name, got, tc.want)
			}
			c := f.contact(phone)
			msgs, err := f.st.Transcript(t.Context(), c.ID, 0)
			if err != nil || len(msgs) == 0 || msgs[0].Direction != store.DirectionIn {
				t.Fatalf("%s: transcript %v, %v", tc.name, msgs, err)
			}
			want := tc.body
			if tc.stored != "" {
				want = tc.stored
			}
			if msgs[0].Body != want {
				t.Fatalf("%s: stored %q; want %q", tc.name, msgs[0].Body, want)
			}
		}
	})
}

// TestLongReplyBecomesSeveralMessages: a reply over 1600 characters is
// sent as several <Message>s.
func TestLongReplyBecomesSeveralMessages(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t, nil)
	rec := newRecorder()
	long := strings.Repeat("Information, not legal advice. ", 120)
	f.h.writeTwiML(rec, []string{long})
	got := twimlMessages(t, rec.Body.String())
	if len(got) != 3 {
		t.Fatalf("%d messages", len(got))
	}
	if strings.Join(got, " ") != strings.TrimSpace(long) {
		t.Fatal("text lost or changed in splitting")
	}
}
