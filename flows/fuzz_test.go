package flows

import (
	"testing"
	"time"

	"github.com/rightsline/rightsline/locales"
)

// FuzzReadDate reads any text as a date in every language: a date taken is
// never in the future nor more than 20 years back, a refusal names one of
// the known reasons, and an Amharic question carries both readings. The
// seed corpus runs in every `go test`; explore with
//
//	go test ./flows -run '^$' -fuzz FuzzReadDate -fuzztime 1m
func FuzzReadDate(f *testing.F) {
	for _, s := range []string{
		"2 weeks ago", "hace dos semanas", "il y a un mois", "上个月", "两周前", "지난주", "2026년 11월 20일",
		"3/3", "11/20/2026", "20/11/26", "2026-11-20", "2/30/2026", "99999999999999999999 days ago",
		"last Friday", "መጋቢት 3", "መጋቢት 3 2018", "13/6/2015", "3 March 2025", "0/0", "1.2.3.4", "年月日",
		"400 years ago", "-1 days ago", "Dec 20", "pagume 6", "", "  ", "3/", "/3/",
	} {
		f.Add(s)
	}
	u, err := locales.LoadUnderstanding()
	if err != nil {
		f.Fatal(err)
	}
	cat, err := locales.Load()
	if err != nil {
		f.Fatal(err)
	}
	r := newDateReader(u, cat)
	now := time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC)
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		folded := locales.MatchFold(s)
		for _, l := range locales.All {
			got, alt, problem := r.read(folded, l, now)
			switch problem {
			case "":
				if got.After(today) || got.Before(today.AddDate(-20, 0, -1)) {
					t.Fatalf("%s: %q read as %s, outside the last 20 years", l, s, got.Format(time.DateOnly))
				}
			case dateCalendar:
				if l != locales.Amharic || got.IsZero() || alt.IsZero() || got.After(today) || alt.After(today) {
					t.Fatalf("%s: %q asks which calendar with %v and %v", l, s, got, alt)
				}
			case dateUnreadable, dateFuture:
				if !got.IsZero() {
					t.Fatalf("%s: %q refused (%s) with a date %v", l, s, problem, got)
				}
			default:
				t.Fatalf("%s: %q: unknown problem %q", l, s, problem)
			}
		}
	})
}
