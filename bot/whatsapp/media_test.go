package whatsapp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/bot/media"
	"github.com/rightsline/rightsline/bot/media/mediatest"
	"github.com/rightsline/rightsline/bot/twilio"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestWhatsAppReportCarriesPhoto: a sweeps report filed over WhatsApp
// with a photo carrying GPS in the narrative: the media worker fetches it
// from the fake Twilio with the account's credentials (the fetcher SMS
// uses), stores it stripped of its location, attaches it to the report,
// and the confirmation counts it. On both backends.
func TestWhatsAppReportCarriesPhoto(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		tw := mediatest.NewProvider(t, testAccount, testToken)
		f := newFixture(t, s, func(c *Config) { c.MediaBaseURL = tw.URL })
		w := &media.Worker{Store: s, Catalog: testCatalog, Fetchers: map[string]media.Fetcher{Channel: twilio.MediaFetcher(tw.URL, testAccount, testToken)}, MaxBytes: 64 << 10, MaxAttempts: 2}
		ctx := t.Context()
		const phone = "+12025550190"
		state := func() string {
			b, err := s.ConversationState(ctx, Channel, phone)
			if err != nil {
				t.Fatal(err)
			}
			var c struct{ State string }
			_ = json.Unmarshal(b, &c)
			return c.State
		}
		say := func(body string, files ...[]byte) []string {
			form := inbound(phone, body, newSid())
			sid := form.Get("MessageSid")
			form.Set("NumMedia", fmt.Sprint(len(files)))
			for i, file := range files {
				path := fmt.Sprintf("/2010-04-01/Accounts/%s/Messages/MM%s/Media/ME%032x", testAccount, sid[2:], i+1)
				tw.Put(path, file)
				form.Set(fmt.Sprintf("MediaUrl%d", i), tw.URL+path)
				form.Set(fmt.Sprintf("MediaContentType%d", i), "image/jpeg")
			}
			rec := f.signed(InboundPath, form)
			if rec.Code != 200 {
				t.Fatalf("%q: %d %s", body, rec.Code, rec.Body)
			}
			return twimlMessages(t, rec.Body.String())
		}
		say("hello")
		say("report")
		say("2")
		if st := state(); st != "intake.what" {
			t.Fatalf("state %q; want intake.what", st)
		}
		photo, _ := mediatest.JPEGWithGPS(t, 6)
		say("The city cleared our camp and took my tent", photo)
		if err := func() error {
			for range 10 {
				n, err := w.Work(ctx)
				if err != nil || n == 0 {
					return err
				}
			}
			return nil
		}(); err != nil {
			t.Fatal(err)
		}
		var got []string
		for i := 0; i < 20 && !strings.HasPrefix(state(), "intake.filed"); i++ {
			st := state()
			answer := "1"
			switch {
			case strings.HasSuffix(st, ".what"):
				answer = "done"
			case strings.HasSuffix(st, ".when"):
				answer = "yesterday"
			case strings.HasSuffix(st, "place"):
				answer = "20001"
			case strings.HasSuffix(st, ".who"):
				answer = "3"
			case strings.HasSuffix(st, ".who_name"), strings.HasSuffix(st, ".safe_times"):
				answer = "skip"
			}
			got = say(answer)
		}
		attached, err := testCatalog.Text(locales.English, "media.attached", map[string]string{"count": "1"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !strings.Contains(got[0], attached) {
			t.Fatalf("confirmation %q lacks %q (state %s)", got, attached, state())
		}
		reps, err := s.ReportsByContact(ctx, f.contact(phone).ID, 1)
		if err != nil || len(reps) != 1 {
			t.Fatalf("report: %+v %v", reps, err)
		}
		ms, err := s.ReportMedia(ctx, reps[0].ID)
		if err != nil || len(ms) != 1 || ms[0].State != store.MediaStored || ms[0].ContentType != media.TypeJPEG || !ms[0].Stripped {
			t.Fatalf("report media: %+v %v", ms, err)
		}
		_, data, err := s.ReportMediaData(ctx, reps[0].ID, ms[0].ID)
		if err != nil || bytes.Contains(data, mediatest.GPSBytes()) {
			t.Fatalf("stored photo: %v; location kept: %v", err, bytes.Contains(data, mediatest.GPSBytes()))
		}
		if tw.Unauth != 0 || len(tw.Hits) == 0 {
			t.Fatalf("fake Twilio: %d unauthenticated, hits %v", tw.Unauth, tw.Hits)
		}
	})
}
