package console

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/media"
	"github.com/rightsline/rightsline/bot/media/mediatest"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// photoMarker survives stripping (it sits in an ICC profile segment, which
// is kept): if the photo were ever stored in clear, a dump would find it.
const photoMarker = "PHOTO-SECRET-PIXELS"

// urlMarker is in the photo's address at the provider.
const urlMarker = "PHOTO-URL-SECRET"

// markedPhoto is a JPEG with GPS and the marker.
func markedPhoto(t *testing.T) []byte {
	in, _ := mediatest.JPEGWithGPS(t, 1)
	icc := []byte("ICC_PROFILE\x00\x01\x01" + photoMarker)
	seg := append([]byte{0xFF, 0xE2, 0, byte(len(icc) + 2)}, icc...)
	return append(append(append([]byte{}, in[:2]...), seg...), in[2:]...)
}

// cdn is a fake media host serving the marked photo and an HTML page, and
// the worker that fetches from it.
func photoCDN(t *testing.T, st *store.Store) (*mediatest.Provider, *media.Worker, []bot.Media) {
	cdn := mediatest.NewProvider(t, "", "")
	photo := cdn.Put("/cdn/"+urlMarker+".jpg", markedPhoto(t))
	page := cdn.Put("/cdn/page.jpg", []byte("<html><script>alert(1)</script></html>"))
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := &media.HTTPFetcher{Allowed: func(*url.URL) bool { return true }, AllowLoopback: true}
	w := &media.Worker{Store: st, Catalog: cat, Fetchers: map[string]media.Fetcher{"sms": f}}
	return cdn, w, []bot.Media{{URL: photo, ContentType: "image/jpeg"}, {URL: page, ContentType: "image/jpeg"}}
}

func workAll(t *testing.T, w *media.Worker) {
	t.Helper()
	for range 5 {
		if n, err := w.Work(t.Context()); err != nil {
			t.Fatal(err)
		} else if n == 0 {
			return
		}
	}
}

// TestConsoleMediaOnlyToTheReportsCommission: a sweeps report filed with a
// photo (GPS) and an HTML page claiming to be a JPEG. DC staff see the
// photo on the report page and open it through the media route: the
// stripped bytes (no GPS), the sniffed type, nosniff, inline, a
// sandboxing policy, and the read audited; the HTML page is listed as not
// kept and cannot be opened. Pittsburgh staff get 404 on the report and on
// the photo, and nothing is audited for them as a read. On both backends.
func TestConsoleMediaOnlyToTheReportsCommission(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ctx := t.Context()
			rt := residentRuntime(t, b.store)
			_, w, files := photoCDN(t, b.store)
			p := &resident{t: t, rt: rt, phone: "+12025550188"}
			p.send("hi")
			ref := p.intake(intakeAnswers{narrative: "The city swept our camp by the river", zip: "20001", respondent: "skip", consent: true, media: files})
			workAll(t, w)
			rep, err := b.store.ReportByReference(ctx, ref)
			if err != nil || rep.CommissionID != "dc-ohr" {
				t.Fatalf("report %+v %v", rep, err)
			}
			ms, err := b.store.ReportMedia(ctx, rep.ID)
			if err != nil || len(ms) != 2 || ms[0].State != store.MediaStored || ms[1].State != store.MediaRefused {
				t.Fatalf("media %+v %v", ms, err)
			}
			photoPath := fmt.Sprintf("%s/reports/%d/media/%d", Path, rep.ID, ms[0].ID)
			pagePath := fmt.Sprintf("%s/reports/%d/media/%d", Path, rep.ID, ms[1].ID)

			dc := b.login("dc")
			status, body := dc.get(fmt.Sprintf("%s/reports/%d", Path, rep.ID))
			if status != http.StatusOK || !strings.Contains(body, `src="`+photoPath+`"`) || !strings.Contains(body, "location data removed") || !strings.Contains(body, refusalLabel(store.RefusedType)) {
				t.Fatalf("DC report page: %d, photo shown %v", status, strings.Contains(body, photoPath))
			}
			if strings.Contains(body, `href="`+pagePath+`"`) {
				t.Error("the refused HTML page is linked")
			}
			resp, err := dc.http.Get(b.srv.URL + photoPath)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			h := resp.Header
			if resp.StatusCode != http.StatusOK || h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.HasPrefix(h.Get("Content-Disposition"), "inline;") || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
				t.Fatalf("photo: %d %v", resp.StatusCode, h)
			}
			if bytes.Contains(got, mediatest.GPSBytes()) || !bytes.Contains(got, []byte(photoMarker)) || !bytes.HasPrefix(got, []byte{0xFF, 0xD8}) {
				t.Fatal("the photo served is not the stripped photo")
			}
			if status, _ := dc.get(pagePath); status != http.StatusNotFound {
				t.Errorf("refused file: %d; want 404", status)
			}
			audits, err := b.store.AuditPage(ctx, 0, 0, 50)
			if err != nil {
				t.Fatal(err)
			}
			reads := 0
			for _, a := range audits {
				if a.Action == "report.media" && a.ReportID == rep.ID {
					reads++
				}
			}
			if reads < 1 {
				t.Fatal("opening the photo is not audited")
			}

			// Another commission's staff: nothing.
			pghStaff := store.Staff{Email: "pghmedia@example.org", Name: "PGH", Role: store.RoleStaff, CommissionID: "pghchr"}
			if pghStaff.PasswordHash, err = HashPassword(testPassword); err != nil {
				t.Fatal(err)
			}
			if err := b.store.InsertStaff(ctx, &pghStaff); err != nil {
				t.Fatal(err)
			}
			pgh := b.login("pghmedia")
			for _, path := range []string{fmt.Sprintf("%s/reports/%d", Path, rep.ID), photoPath} {
				status, body := pgh.get(path)
				if status != http.StatusNotFound || strings.Contains(body, photoMarker) || strings.Contains(body, "/media/") {
					t.Errorf("Pittsburgh staff on %s: %d", path, status)
				}
			}
			// A media id of another report under this report's path: 404.
			if status, _ := dc.get(fmt.Sprintf("%s/reports/%d/media/%d", Path, rep.ID, ms[0].ID+1000)); status != http.StatusNotFound {
				t.Errorf("unknown media: %d", status)
			}
		})
	}
}

// TestErasureRemovesPhotos: the resident's DELETE erases the photos of
// their reports (open and accepted alike): no media row, no byte of the
// sealed photo or of its sealed address in any table, nor in the SQLite
// file or WAL. On both backends.
// TestConsoleMediaLocationKept: a resident who writes KEEP LOCATION
// before sending a photo with GPS: staff read "location kept at the
// resident's request" on the report page, and the photo they open still
// carries its GPS. On both backends.
func TestConsoleMediaLocationKept(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ctx := t.Context()
			rt := residentRuntime(t, b.store)
			_, w, files := photoCDN(t, b.store)
			p := &resident{t: t, rt: rt, phone: "+12025550189"}
			p.send("hi")
			ref := p.intake(intakeAnswers{narrative: "The city swept our camp by the river", zip: "20001", respondent: "skip", consent: true,
				media: files[:1], beforeMedia: "keep location"})
			workAll(t, w)
			rep, err := b.store.ReportByReference(ctx, ref)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := b.store.ReportMedia(ctx, rep.ID)
			if err != nil || len(ms) != 1 || ms[0].State != store.MediaStored || !ms[0].KeepLocation || ms[0].Stripped {
				t.Fatalf("media %+v %v", ms, err)
			}
			dc := b.login("dc")
			status, body := dc.get(fmt.Sprintf("%s/reports/%d", Path, rep.ID))
			if status != http.StatusOK || !strings.Contains(body, "location kept at the resident") || strings.Contains(body, "location data removed") {
				t.Fatalf("DC report page: %d, says kept %v", status, strings.Contains(body, "location kept at the resident"))
			}
			status, photo := dc.get(fmt.Sprintf("%s/reports/%d/media/%d", Path, rep.ID, ms[0].ID))
			if status != http.StatusOK || !strings.Contains(photo, string(mediatest.GPSBytes())) {
				t.Fatalf("photo served: %d, GPS kept %v", status, strings.Contains(photo, string(mediatest.GPSBytes())))
			}
		})
	}
}

func TestErasureRemovesPhotos(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			st, file, rt := residentStore(t, backend)
			_, w, files := photoCDN(t, st)
			p := &resident{t: t, rt: rt, phone: "+12025550199"}
			p.send("hi")
			acceptedRef := p.intake(intakeAnswers{narrative: "First sweep", zip: "20001", respondent: "skip", consent: true, media: files[:1]})
			openRef := p.intake(intakeAnswers{narrative: "Second sweep", zip: "20001", respondent: "skip", consent: true, media: files})
			workAll(t, w)
			accepted, _ := st.ReportByReference(ctx, acceptedRef)
			if _, err := st.DB().ExecContext(ctx, "UPDATE reports SET status = 'accepted' WHERE id = $1", accepted.ID); err != nil {
				t.Fatal(err)
			}
			if n, _ := st.ContactMediaCount(ctx, accepted.ContactID); n != 3 {
				t.Fatalf("%d media before erasure; want 3", n)
			}
			// The sealed cells, to look for after erasure.
			var sealed [][]byte
			rows, err := st.DB().QueryContext(ctx, "SELECT source, COALESCE(data, source) FROM media")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var a, b []byte
				if err := rows.Scan(&a, &b); err != nil {
					t.Fatal(err)
				}
				for _, v := range [][]byte{a, b} {
					if len(v) > 40 {
						sealed = append(sealed, v[len(v)-40:])
					}
				}
			}
			rows.Close()
			if len(sealed) < 3 {
				t.Fatalf("only %d sealed cells", len(sealed))
			}
			p.send("DELETE")
			p.send("yes")
			if err := st.Compact(ctx); err != nil {
				t.Fatal(err)
			}
			if n, _ := st.ContactMediaCount(ctx, accepted.ContactID); n != 0 {
				t.Fatalf("%d media after erasure", n)
			}
			for _, ref := range []string{acceptedRef, openRef} {
				r, err := st.ReportByReference(ctx, ref)
				if err != nil {
					t.Fatal(err)
				}
				if ms, _ := st.ReportMedia(ctx, r.ID); len(ms) != 0 {
					t.Errorf("report %s keeps %d media", ref, len(ms))
				}
			}
			dump, _, _ := dumpDB(t, st)
			if dump["media"] != "" {
				t.Errorf("media rows after erasure: %q", dump["media"])
			}
			for table, text := range dump {
				for _, v := range sealed {
					if strings.Contains(text, string(v)) {
						t.Errorf("table %s still holds a sealed photo cell", table)
					}
				}
			}
			if file != "" {
				for _, f := range []string{file, file + "-wal"} {
					raw, err := os.ReadFile(f)
					if err != nil {
						continue
					}
					for _, v := range sealed {
						if bytes.Contains(raw, v) {
							t.Errorf("%s holds a sealed photo cell after erasure", filepath.Base(f))
						}
					}
				}
			}
		})
	}
}
