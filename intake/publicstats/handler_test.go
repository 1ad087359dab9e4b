package publicstats_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/intake/publicstats"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestPublishedStatisticsNeverShowASmallCell files reports to two
// commissions, one opted in: its page, CSV and JSON show counts by
// category × place × quarter × language, never one under the threshold,
// never a narrative, name or reference, and leave out simulator reports,
// spam and duplicates; the other commission has no statistics (404).
func TestPublishedStatisticsNeverShowASmallCell(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		ctx := t.Context()
		var c store.Contact
		n := 0
		file := func(tx *store.Tx, commission, cat, lang, channel, at string, count int) error {
			for range count {
				n++
				created, _ := time.Parse(time.RFC3339, at)
				r := store.Report{Reference: fmt.Sprintf("DC-%04d-ZZ", n), ContactID: c.ID, Channel: channel, Lang: lang, Category: cat,
					Narrative: "secret narrative", RespondentName: "Secret Landlord LLC", ContactMethod: store.ContactThis, Consent: true,
					CommissionID: commission, Jurisdiction: "dc", CreatedAt: created}
				if err := tx.InsertReport(ctx, &r); err != nil {
					return err
				}
			}
			return nil
		}
		err := st.InTx(ctx, func(tx *store.Tx) error {
			for _, id := range []string{"dc-ohr", "pghchr"} {
				if err := tx.UpsertCommission(ctx, store.Commission{ID: id, Name: "Commission " + id, Active: true}); err != nil {
					return err
				}
			}
			var err error
			if c, err = tx.ContactForUpdate(ctx, "sms", "+12025550111"); err != nil {
				return err
			}
			for _, f := range []struct {
				comm, cat, lang, ch, at string
				n                       int
			}{
				{"dc-ohr", "housing", "en", "sms", "2026-02-10T10:00:00Z", 7},
				{"dc-ohr", "housing", "es", "sms", "2026-03-10T10:00:00Z", 3},
				{"dc-ohr", "housing", "en", "sms", "2026-05-10T10:00:00Z", 12},
				{"dc-ohr", "employment", "en", "sms", "2026-05-11T10:00:00Z", 9},
				{"dc-ohr", "employment", "ko", "discord", "2026-06-11T10:00:00Z", 6},
				{"dc-ohr", "employment", "am", "web", "2026-06-11T10:00:00Z", 40},
				{"pghchr", "housing", "en", "sms", "2026-05-10T10:00:00Z", 20},
			} {
				if err := file(tx, f.comm, f.cat, f.lang, f.ch, f.at, f.n); err != nil {
					return err
				}
			}
			// Two of the 12 are spam: 10 count.
			if _, err := tx.SQL().ExecContext(ctx, "UPDATE reports SET status = 'closed', close_code = 'spam' WHERE reference IN ('DC-0011-ZZ', 'DC-0012-ZZ')"); err != nil {
				return err
			}
			return tx.SetCommissionPublicStats(ctx, "dc-ohr", true)
		})
		if err != nil {
			t.Fatal(err)
		}
		cat, err := locales.Load()
		if err != nil {
			t.Fatal(err)
		}
		h, err := publicstats.New(publicstats.Config{Store: st, Catalog: cat})
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		h.Register(mux)
		srv := httptest.NewServer(mux)
		defer srv.Close()
		get := func(path string) (int, string) {
			t.Helper()
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		for _, path := range []string{"/stats/pghchr", "/stats/pghchr.json", "/stats/pghchr.csv", "/stats/nowhere"} {
			if s, _ := get(path); s != http.StatusNotFound {
				t.Errorf("%s: %d, want 404 (not opted in)", path, s)
			}
		}
		if s, body := get("/stats"); s != http.StatusOK || !strings.Contains(body, "Commission dc-ohr") || strings.Contains(body, "pghchr") {
			t.Errorf("index: %d, should list only the opted-in commission", s)
		}
		_, js := get("/stats/dc-ohr.json")
		var p publicstats.Published
		if err := json.Unmarshal([]byte(js), &p); err != nil {
			t.Fatal(err)
		}
		check := func(what string, c publicstats.PubCount) {
			if c.Count != nil && *c.Count > 0 && *c.Count < publicstats.DefaultThreshold {
				t.Errorf("%s published as %d", what, *c.Count)
			}
			if c.Suppressed != (c.Count == nil) {
				t.Errorf("%s: suppressed %v with count %v", what, c.Suppressed, c.Count)
			}
		}
		got := map[string]publicstats.PubCount{}
		for _, c := range p.Cells {
			check(c.Quarter+" "+c.Category+" "+c.Language, c.PubCount)
			got[c.Quarter+" "+c.Category+" "+c.Language] = c.PubCount
			if c.Place != "dc" || c.PlaceLabel == "dc" || c.CategoryLabel == c.Category {
				t.Errorf("cell %+v lacks its labels", c)
			}
		}
		for _, q := range p.ByQuarter {
			check("quarter "+q.Key, q.PubCount)
		}
		for _, c := range p.ByCategory {
			check("category "+c.Key, c.PubCount)
		}
		check("all", p.All)
		if !got["2026-Q1 housing es"].Suppressed || !got["2026-Q1 housing en"].Suppressed {
			t.Errorf("the 3 and its complement must be withheld: %+v", got)
		}
		if c := got["2026-Q2 housing en"]; c.Count == nil || *c.Count != 10 {
			t.Errorf("Q2 housing en = %+v, want 10 (12 less 2 spam)", c)
		}
		if _, ok := got["2026-Q2 employment am"]; ok {
			t.Error("simulator reports were counted")
		}
		if p.All.Count == nil || *p.All.Count != 35 {
			t.Errorf("all = %+v, want 35", p.All)
		}
		_, csvBody := get("/stats/dc-ohr.csv")
		recs, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
		if err != nil || len(recs) < 2 {
			t.Fatalf("csv: %v", err)
		}
		for _, rec := range recs[1:] {
			if v, err := strconv.Atoi(rec[7]); err == nil && v > 0 && v < publicstats.DefaultThreshold {
				t.Errorf("csv row %v publishes %d", rec, v)
			}
		}
		_, html := get("/stats/dc-ohr")
		for _, body := range []string{js, csvBody, html} {
			for _, secret := range []string{"secret", "Secret", "DC-0001-ZZ", "+1202"} {
				if strings.Contains(body, secret) {
					t.Errorf("published statistics contain %q", secret)
				}
			}
		}
		if !strings.Contains(html, "withheld") || !strings.Contains(html, "Housing") {
			t.Error("the page should show withheld cells and category names")
		}
	})
}
