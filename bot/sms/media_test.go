package sms

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/bot/media"
	"github.com/rightsline/rightsline/bot/media/mediatest"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// mmsFixture is an SMS fixture whose media host is a fake Twilio on
// loopback that asks for the account's credentials, and the media worker
// that fetches from it.
type mmsFixture struct {
	*fixture
	twilio *mediatest.Provider
	worker *media.Worker
}

func newMMSFixture(t *testing.T, s *store.Store) *mmsFixture {
	tw := mediatest.NewProvider(t, testAccount, testToken)
	f := newFixture(t, s, func(c *Config) { c.MediaBaseURL = tw.URL; c.RateLimitPerMinute = 1000 })
	w := &media.Worker{Store: s, Catalog: testCatalog, Fetchers: map[string]media.Fetcher{Channel: f.cfg.MediaFetcher()}, MaxBytes: 64 << 10, MaxAttempts: 2}
	return &mmsFixture{fixture: f, twilio: tw, worker: w}
}

// mms posts a signed MMS from phone with body and one medium per file,
// each served by the fake Twilio, and returns the TwiML's messages.
func (f *mmsFixture) mms(t *testing.T, phone, body string, files ...[]byte) []string {
	t.Helper()
	form := inbound(phone, body, newSid())
	for i, u := range withMedia(form, f.twilio.URL, "image/jpeg", len(files)) {
		f.twilio.Put(strings.TrimPrefix(u, f.twilio.URL), files[i])
	}
	rec := f.signed(InboundPath, form)
	if rec.Code != 200 {
		t.Fatalf("MMS %q: status %d: %s", body, rec.Code, rec.Body)
	}
	return twimlMessages(t, rec.Body.String())
}

// state is the conversation's current state.
func (f *mmsFixture) state(t *testing.T, phone string) string {
	t.Helper()
	b, err := f.st.ConversationState(t.Context(), Channel, phone)
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ State string }
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c.State
}

// work runs the media worker until nothing is due.
func (f *mmsFixture) work(t *testing.T) {
	t.Helper()
	for range 10 {
		n, err := f.worker.Work(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// TestMMSReportCarriesPhotos: a sweeps report filed over MMS. A photo
// sent before the report is explained and never fetched; the narrative
// comes with two JPEG photos carrying GPS (fetched from the fake Twilio
// with the account's credentials, stored sealed without a byte of the
// location), then an HTML page claiming to be image/jpeg and an oversized
// file are sent without text: "received", then refused by the worker
// with one notice each in the outbox. The confirmation counts the two
// photos, in Spanish; the report holds four rows, two stored. On both
// backends.
func TestMMSReportCarriesPhotos(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		f := newMMSFixture(t, s)
		ctx := t.Context()
		phone := "+12025550142"
		l := locales.Spanish
		f.setLang(phone, l)

		// Outside a report: explained, not stored, not fetched.
		photo, _ := mediatest.JPEGWithGPS(t, 6)
		got := f.mms(t, phone, "", photo)
		if len(got) != 1 || got[0] != text(t, l, "media.outside") {
			t.Fatalf("photo outside a report: %q", got)
		}
		if n, _ := s.ContactMediaCount(ctx, f.contact(phone).ID); n != 0 {
			t.Fatalf("%d media stored outside a report", n)
		}

		f.mms(t, phone, "reporte")
		f.mms(t, phone, "2") // homelessness: a sweep
		if st := f.state(t, phone); st != "intake.what" {
			t.Fatalf("state %q; want intake.what", st)
		}
		second := mediatest.PNGWithGPS(t)
		got = f.mms(t, phone, "La ciudad desalojó nuestro campamento y se llevó mi carpa", photo, second)
		if len(got) != 1 || strings.Contains(got[0], text(t, l, "media.outside")) {
			t.Fatalf("narrative with photos: %q", got)
		}
		html := []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>")
		got = f.mms(t, phone, "", html)
		if want, _ := testCatalog.Text(l, "media.received", map[string]string{"count": "3"}); len(got) != 1 || got[0] != want {
			t.Fatalf("media-only in a report: %q; want %q", got, want)
		}
		big := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{0x42}, 70<<10)...)
		f.mms(t, phone, "", big)
		if f.twilio.Unauth != 0 {
			t.Fatal("a request reached the fake Twilio before the worker ran")
		}
		f.work(t)

		// The rest of the report.
		for i := 0; i < 20 && !strings.HasPrefix(f.state(t, phone), "intake.filed"); i++ {
			st := f.state(t, phone)
			var answer string
			switch {
			case strings.HasSuffix(st, ".what"):
				answer = "listo"
			case strings.HasSuffix(st, ".when"):
				answer = "11/02/2026"
			case strings.HasSuffix(st, "place"):
				answer = "20001"
			case strings.HasSuffix(st, ".who"):
				answer = "3"
			case strings.HasSuffix(st, ".who_name"):
				answer = "omitir"
			case strings.HasSuffix(st, ".contact"):
				answer = "1"
			case strings.HasSuffix(st, ".safe_times"):
				answer = "omitir"
			case strings.HasSuffix(st, ".consent"), strings.HasSuffix(st, ".summary"), strings.HasSuffix(st, "city_line"):
				answer = "1"
			default:
				t.Fatalf("unexpected state %q", st)
			}
			got = f.mms(t, phone, answer)
		}
		attached, err := testCatalog.Text(l, "media.attached", map[string]string{"count": "2"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !strings.Contains(got[0], attached) {
			t.Fatalf("confirmation %q lacks %q", got, attached)
		}

		c := f.contact(phone)
		reps, err := s.ReportsByContact(ctx, c.ID, 1)
		if err != nil || len(reps) != 1 || reps[0].Category != "homelessness" {
			t.Fatalf("report: %+v %v", reps, err)
		}
		ms, err := s.ReportMedia(ctx, reps[0].ID)
		if err != nil || len(ms) != 4 {
			t.Fatalf("report media: %+v %v", ms, err)
		}
		wantStates := []struct{ state, refusal, typ string }{
			{store.MediaStored, "", media.TypeJPEG}, {store.MediaStored, "", media.TypePNG},
			{store.MediaRefused, store.RefusedType, ""}, {store.MediaRefused, store.RefusedSize, ""},
		}
		for i, w := range wantStates {
			if ms[i].State != w.state || ms[i].Refusal != w.refusal || ms[i].ContentType != w.typ {
				t.Errorf("media %d: %+v; want %+v", i, ms[i], w)
			}
		}
		for _, m := range ms[:2] {
			_, data, err := s.ReportMediaData(ctx, reps[0].ID, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !m.Stripped || bytes.Contains(data, mediatest.GPSBytes()) || bytes.Contains(data, []byte("GPSLatitude")) {
				t.Errorf("media %d kept its location (stripped %v)", m.ID, m.Stripped)
			}
		}
		if _, _, err := s.ReportMediaData(ctx, reps[0].ID, ms[2].ID); err == nil {
			t.Error("a refused file has bytes")
		}
		// Two refusals, two messages: a notice each, in Spanish.
		ob, err := s.OutboundByContact(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var notices []string
		for _, o := range ob {
			notices = append(notices, o.Body)
		}
		size, _ := testCatalog.Text(l, "media.refused.size", map[string]string{"mb": "0.1"})
		if len(ob) != 2 || ob[0].Body != text(t, l, "media.refused.type") || ob[1].Body != size {
			t.Fatalf("outbox %q", notices)
		}
		// The photos were fetched with the account's credentials, through
		// Twilio's redirect; a request without them is refused.
		u, _ := url.Parse(f.twilio.URL)
		if f.twilio.Unauth != 0 || len(f.twilio.Hits) == 0 || u.Hostname() != "127.0.0.1" {
			t.Fatalf("fake Twilio: %d unauthenticated, hits %v", f.twilio.Unauth, f.twilio.Hits)
		}
	})
}
