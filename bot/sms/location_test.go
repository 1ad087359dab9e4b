package sms

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/bot/media/mediatest"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestMMSKeepLocation: a resident who writes KEEP LOCATION (here in
// Spanish, accented and in capitals) during a report keeps the GPS of the
// photos sent after it, and only those: the photo sent before keeps
// none, and REMOVE LOCATION goes back to removing it. Outside a report
// the word gets a clear answer and changes nothing. Signed MMS webhooks,
// a fake Twilio media server, both backends.
func TestMMSKeepLocation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		f := newMMSFixture(t, s)
		ctx := t.Context()
		phone := "+12025550177"
		l := locales.Spanish
		f.setLang(phone, l)

		// Outside a report: explained, nothing recorded for a later one.
		if got := f.mms(t, phone, "guardar ubicacion"); len(got) != 1 || got[0] != text(t, l, "media.location.none") {
			t.Fatalf("location word outside a report: %q", got)
		}

		f.mms(t, phone, "reporte")
		f.mms(t, phone, "2") // homelessness: a sweep
		if st := f.state(t, phone); st != "intake.what" {
			t.Fatalf("state %q; want intake.what", st)
		}
		photo, _ := mediatest.JPEGWithGPS(t, 1)
		f.mms(t, phone, "La ciudad desalojó nuestro campamento", photo) // before the word: stripped
		if got := f.mms(t, phone, "GUARDAR UBICACIÓN"); len(got) != 1 || got[0] != text(t, l, "media.location.kept") {
			t.Fatalf("keep location: %q", got)
		}
		if st := f.state(t, phone); st != "intake.what" {
			t.Fatalf("the word moved the intake to %q", st)
		}
		f.mms(t, phone, "", photo) // after it: kept
		if got := f.mms(t, phone, "quitar ubicación"); len(got) != 1 || got[0] != text(t, l, "media.location.removed") {
			t.Fatalf("remove location: %q", got)
		}
		f.mms(t, phone, "", photo) // after REMOVE LOCATION: stripped again
		f.work(t)

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
			case strings.HasSuffix(st, ".who_name"), strings.HasSuffix(st, ".safe_times"):
				answer = "omitir"
			case strings.HasSuffix(st, ".contact"), strings.HasSuffix(st, ".consent"), strings.HasSuffix(st, ".summary"), strings.HasSuffix(st, "city_line"):
				answer = "1"
			default:
				t.Fatalf("unexpected state %q", st)
			}
			f.mms(t, phone, answer)
		}
		if st := f.state(t, phone); !strings.HasPrefix(st, "intake.filed") {
			t.Fatalf("report not filed: state %q", st)
		}
		c := f.contact(phone)
		reps, err := s.ReportsByContact(ctx, c.ID, 1)
		if err != nil || len(reps) != 1 {
			t.Fatalf("report: %+v %v", reps, err)
		}
		ms, err := s.ReportMedia(ctx, reps[0].ID)
		if err != nil || len(ms) != 3 {
			t.Fatalf("report media: %+v %v", ms, err)
		}
		for i, keep := range []bool{false, true, false} {
			m := ms[i]
			_, data, err := s.ReportMediaData(ctx, reps[0].ID, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			hasGPS := bytes.Contains(data, mediatest.GPSBytes())
			if m.KeepLocation != keep || hasGPS != keep || m.Stripped == keep {
				t.Errorf("photo %d: keep %v, stripped %v, GPS in the bytes %v; want keep %v", i, m.KeepLocation, m.Stripped, hasGPS, keep)
			}
		}

		// A new report starts with location removed again.
		f.mms(t, phone, "reporte")
		f.mms(t, phone, "2")
		open, _, err := storeIntakeMedia(t, s, c.ID)
		if err != nil || !open {
			t.Fatalf("second intake not open: %v", err)
		}
		var keep bool
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			keep, err = tx.IntakeKeepLocation(ctx, c.ID)
			return err
		}); err != nil || keep {
			t.Fatalf("a new report keeps location (%v, %v)", keep, err)
		}
	})
}

func storeIntakeMedia(t *testing.T, s *store.Store, contactID int64) (open bool, n int, err error) {
	err = s.InTx(t.Context(), func(tx *store.Tx) error {
		var err error
		open, n, err = tx.IntakeMedia(t.Context(), contactID)
		return err
	})
	return open, n, err
}
