package intake_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/rightsline/rightsline/locales"
)

var (
	catOnce sync.Once
	catVal  *locales.Catalog
)

func langCatalog(t *testing.T) *locales.Catalog {
	t.Helper()
	catOnce.Do(func() {
		c, err := locales.Load()
		if err != nil {
			t.Fatalf("locales: %v", err)
		}
		catVal = c
	})
	return catVal
}

// fileReport runs a housing or work report from place with the incident
// date given and returns the confirmation.
func fileReport(t *testing.T, lang locales.Lang, category, date, place string, extra ...string) string {
	t.Helper()
	c := newChat(t, newEngine(t), lang)
	in := []string{"4", category, "what happened", "done", date, place}
	in = append(in, extra...)
	in = append(in, "1", "skip", "1", "3", "1")
	for _, s := range in {
		c.send(s)
	}
	c.expectState("intake.summary")
	res := c.send("1")
	if _, ok := submitted(res); !ok {
		t.Fatalf("not submitted: %q", texts(res))
	}
	return res.Replies[0].Text
}

// The confirmation says exactly what happened: in the intake queue, not
// a complaint, the agency's time limit keeps running, whom to contact
// (with the dated contact) and by when; plainly when the limit is near or
// past. The chat clock is 2026-11-22.
func TestConfirmationSaysWhatHappened(t *testing.T) {
	cases := []struct {
		name, category, date, place string
		extra                       []string
		want                        []string
		not                         []string
	}{
		{"DC housing, date known", "1", "2026-11-01", "20001", nil,
			[]string{"intake queue of DC Office of Human Rights (OHR)", "not a complaint or charge yet", "by 2027-11-01", "(202) 727-4559, ohr.intake@dc.gov, as of 2026-11"}, nil},
		// Hawaii: 180 days from 2026-06-01 is 2026-11-28, six days away.
		{"Hawaii, nearly overdue", "1", "2026-06-01", "96813", nil,
			[]string{"Time is short", "ends 2026-11-28", "intake queue of Hawaii Civil Rights Commission (HCRC)", "Contact HCRC ((808) 586-8636, as of 2026-11) now"}, []string{" by "}},
		// 385 days ago: past HUD's 1 year; the resident is told and still
		// gets the agency.
		{"federal, overdue", "1", "2025-11-02", "78701", nil,
			[]string{"ended 2026-11-02", "HUD (federal housing department) (1-800-669-9777", "ask if you can still file"}, nil},
		{"Pennsylvania work, no date", "3", "don't know", "19103", nil,
			[]string{"Pennsylvania Human Relations Commission (PHRC) (pa.gov/en/agencies/phrc, as of 2026-12)", "within 180 days"}, nil},
		// Mt. Lebanon: the county commission, never PghCHR.
		{"Mt. Lebanon", "1", "2026-11-01", "Mt Lebanon", nil,
			[]string{"Allegheny County Human Relations Commission (alleghenycounty.us, as of 2026-12)"}, []string{"Pittsburgh Commission"}},
		// A ZIP across the city line: asked, and the answer decides.
		{"15235 inside the city", "1", "2026-11-01", "15235", []string{"1"},
			[]string{"intake queue of Pittsburgh Commission on Human Relations (PghCHR)", "contact PghCHR (412-255-2600"}, nil},
		{"15235 outside the city", "1", "2026-11-01", "15235", []string{"2"},
			[]string{"Allegheny County Human Relations Commission"}, []string{"PghCHR"}},
		{"Oregon, no contact verified", "1", "2026-11-01", "Portland", nil,
			[]string{"contact Oregon Bureau of Labor and Industries (BOLI) by 2027-11-01"}, []string{"as of"}},
		{"California work", "3", "2026-11-01", "90012", nil,
			[]string{"intake queue of California Civil Rights Department (CRD)", "800-884-1684, calcivilrights.ca.gov, as of 2026-11"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := fileReport(t, locales.English, c.category, c.date, c.place, c.extra...)
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("confirmation lacks %q:\n%s", w, got)
				}
			}
			for _, w := range append(c.not, "was received", "filed") {
				if strings.Contains(got, w) {
					t.Errorf("confirmation says %q:\n%s", w, got)
				}
			}
		})
	}
}

// Korean no longer says 접수되었습니다 (formally filed), and no language's
// confirmation lacks the "not yet a complaint" sentence's agency date.
func TestConfirmationEveryLanguageNotFiled(t *testing.T) {
	for _, l := range locales.All {
		got := fileReport(t, l, "1", "2026-11-01", "20001")
		if strings.Contains(got, "접수되었습니다") {
			t.Errorf("%s: %q reads as formally filed", l, got)
		}
		if !strings.Contains(got, "2027-11-01") || !strings.Contains(got, "(202) 727-4559") || !strings.Contains(got, "2026-11") {
			t.Errorf("%s: no dated contact or date to file by: %q", l, got)
		}
	}
}
