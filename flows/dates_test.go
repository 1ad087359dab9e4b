package flows

import (
	"testing"
	"time"

	"github.com/rightsline/rightsline/locales"
)

// Free-text dates in every language, read against a fixed today
// (Sunday 22 November 2026).
func TestReadDates(t *testing.T) {
	u, err := locales.LoadUnderstanding()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	r := newDateReader(u, cat)
	now := time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC)
	cases := []struct {
		lang          locales.Lang
		in, want, why string
	}{
		{locales.English, "2 weeks ago", "2026-11-08", ""},
		{locales.English, "two weeks ago", "2026-11-08", ""},
		{locales.English, "a month ago", "2026-10-22", ""},
		{locales.English, "3 days ago", "2026-11-19", ""},
		{locales.English, "last month", "2026-10-22", ""},
		{locales.English, "last week", "2026-11-15", ""},
		{locales.English, "last year", "2025-11-22", ""},
		{locales.English, "March 3", "2026-03-03", ""},
		{locales.English, "march 3rd", "2026-03-03", ""},
		{locales.English, "3 March 2025", "2025-03-03", ""},
		{locales.English, "Dec 20", "2025-12-20", ""}, // this year's is still to come
		{locales.English, "3/3", "2026-03-03", ""},
		{locales.English, "11/20/2026", "2026-11-20", ""},
		{locales.English, "2026-11-20", "2026-11-20", ""},
		{locales.English, "monday", "2026-11-16", ""},
		{locales.English, "last Friday", "2026-11-20", ""},
		{locales.English, "12/31/2030", "", dateFuture},
		{locales.English, "next week", "", dateUnreadable},
		{locales.English, "December 25 2026", "", dateFuture},
		{locales.English, "2/30/2026", "", dateUnreadable},
		{locales.Spanish, "hace 2 semanas", "2026-11-08", ""},
		{locales.Spanish, "hace dos semanas", "2026-11-08", ""},
		{locales.Spanish, "el mes pasado", "2026-10-22", ""},
		{locales.Spanish, "3 de marzo", "2026-03-03", ""},
		{locales.Spanish, "el lunes", "2026-11-16", ""},
		{locales.Spanish, "20/11/2026", "2026-11-20", ""},
		{locales.Spanish, "3/3", "2026-03-03", ""},
		{locales.French, "il y a 2 semaines", "2026-11-08", ""},
		{locales.French, "le mois dernier", "2026-10-22", ""},
		{locales.French, "le 3 mars", "2026-03-03", ""},
		{locales.French, "vendredi", "2026-11-20", ""},
		{locales.French, "20/11/26", "2026-11-20", ""},
		{locales.ChineseSimplified, "两周前", "2026-11-08", ""},
		{locales.ChineseSimplified, "2周前", "2026-11-08", ""},
		{locales.ChineseSimplified, "上个月", "2026-10-22", ""},
		{locales.ChineseSimplified, "3月3日", "2026-03-03", ""},
		{locales.ChineseSimplified, "2026年11月20日", "2026-11-20", ""},
		{locales.ChineseSimplified, "星期一", "2026-11-16", ""},
		{locales.ChineseTraditional, "上個月", "2026-10-22", ""},
		{locales.ChineseTraditional, "禮拜五", "2026-11-20", ""},
		{locales.Vietnamese, "2 tuần trước", "2026-11-08", ""},
		{locales.Vietnamese, "thang truoc", "2026-10-22", ""},
		{locales.Vietnamese, "ngày 3 tháng 3", "2026-03-03", ""},
		{locales.Vietnamese, "thứ hai", "2026-11-16", ""},
		{locales.Vietnamese, "20/11/2026", "2026-11-20", ""},
		{locales.Korean, "2주 전", "2026-11-08", ""},
		{locales.Korean, "지난달", "2026-10-22", ""},
		{locales.Korean, "3월 3일", "2026-03-03", ""},
		{locales.Korean, "월요일", "2026-11-16", ""},
		{locales.Korean, "2026년 11월 20일", "2026-11-20", ""},
		{locales.Amharic, "ከ2 ሳምንት በፊት", "2026-11-08", ""},
		{locales.Amharic, "ባለፈው ወር", "2026-10-22", ""},
		{locales.Amharic, "ሰኞ", "2026-11-16", ""},
		// Ethiopian month names: Megabit 3, 2018 E.C. is 12 March 2026.
		{locales.Amharic, "መጋቢት 3", "2026-03-12", ""},
		{locales.Amharic, "መጋቢት 3 2018", "2026-03-12", ""},
		{locales.Amharic, "ህዳር 10", "2026-11-19", ""},
		{locales.Amharic, "መስከረም 1 2030", "", dateFuture},
		{locales.Amharic, "ማርች 3", "2026-03-03", ""},
		// A numeric Amharic date that reads both ways: ask.
		{locales.Amharic, "3/7/2018", "", dateCalendar},
		// Only Ethiopian: Gregorian 2019 July... no, month 13 is Pagume.
		{locales.Amharic, "5/13/2018", "2026-09-10", ""},
		// Only Gregorian: year 2026 in the Ethiopian calendar is years ahead.
		{locales.Amharic, "20/11/2026", "2026-11-20", ""},
	}
	for _, c := range cases {
		got, _, why := r.read(locales.MatchFold(c.in), c.lang, now)
		g := ""
		if why == "" {
			g = got.Format(time.DateOnly)
		}
		if g != c.want || why != c.why {
			t.Errorf("%s %q = %q (%s); want %q (%s)", c.lang, c.in, g, why, c.want, c.why)
		}
	}
}

// Known conversions from the Ethiopian calendar.
func TestEthiopianToGregorian(t *testing.T) {
	for _, c := range []struct {
		y, m, d int
		want    string
	}{
		{2016, 1, 1, "2023-09-12"}, // Enkutatash before a Gregorian leap year
		{2017, 1, 1, "2024-09-11"},
		{2016, 4, 28, "2024-01-07"}, // Genna falls on Tahsas 28 in the year after a Pagume 6
		{2017, 4, 29, "2025-01-07"}, // Genna
		{2015, 13, 6, "2023-09-11"}, // Pagume 6 exists in 2015
		{2018, 7, 3, "2026-03-12"},
		{2019, 1, 1, "2026-09-11"},
	} {
		g, ok := ethiopianToGregorian(c.y, c.m, c.d)
		if !ok || g.Format(time.DateOnly) != c.want {
			t.Errorf("%d-%d-%d E.C. = %v %v; want %s", c.y, c.m, c.d, g.Format(time.DateOnly), ok, c.want)
		}
	}
	if _, ok := ethiopianToGregorian(2016, 13, 6); ok {
		t.Error("Pagume 6, 2016 does not exist")
	}
	if y := ethiopianYear(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)); y != 2019 {
		t.Errorf("Ethiopian year of 2026-11-22 = %d; want 2019", y)
	}
}
