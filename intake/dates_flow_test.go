package intake_test

import (
	"slices"
	"testing"

	"github.com/rightsline/rightsline/locales"
)

// Every date form of issue 12, in every language where it applies, sent
// to the report's "when did it happen?" question (today is Sunday
// 2026-11-22): read and stored, or answered with a clear reason (a future
// date, an unreadable one) and the question asked again; for Amharic, a
// numeric date that reads both ways asks which calendar, and the answer
// picks one of the two readings.
func TestDateFormsThroughTheReport(t *testing.T) {
	e := newEngine(t)
	type form struct {
		text, want string // want: the date stored, or a reply ID
	}
	const future, unreadable, calendar = "common.date_future", "intake.invalid.date", "common.date_calendar"
	forms := map[locales.Lang][]form{
		locales.English: {{"2 weeks ago", "2026-11-08"}, {"two weeks ago", "2026-11-08"}, {"last month", "2026-10-22"}, {"March 3", "2026-03-03"}, {"3/3", "2026-03-03"},
			{"monday", "2026-11-16"}, {"last Friday", "2026-11-20"}, {"11/20/2026", "2026-11-20"}, {"12/31/2030", future}, {"December 25 2026", future}, {"sometime", unreadable}},
		locales.Spanish: {{"hace 2 semanas", "2026-11-08"}, {"el mes pasado", "2026-10-22"}, {"3 de marzo", "2026-03-03"}, {"3/3", "2026-03-03"},
			{"el lunes", "2026-11-16"}, {"20/11/2026", "2026-11-20"}, {"31/12/2030", future}, {"algun dia", unreadable}},
		locales.French: {{"il y a 2 semaines", "2026-11-08"}, {"le mois dernier", "2026-10-22"}, {"le 3 mars", "2026-03-03"}, {"3/3", "2026-03-03"},
			{"lundi", "2026-11-16"}, {"20/11/26", "2026-11-20"}, {"31/12/2030", future}, {"un jour", unreadable}},
		locales.Vietnamese: {{"2 tuần trước", "2026-11-08"}, {"thang truoc", "2026-10-22"}, {"ngày 3 tháng 3", "2026-03-03"}, {"3/3", "2026-03-03"},
			{"thứ hai", "2026-11-16"}, {"20/11/2026", "2026-11-20"}, {"31/12/2030", future}},
		locales.Korean: {{"2주 전", "2026-11-08"}, {"지난달", "2026-10-22"}, {"3월 3일", "2026-03-03"}, {"3/3", "2026-03-03"},
			{"월요일", "2026-11-16"}, {"2026년 11월 20일", "2026-11-20"}, {"2030년 12월 31일", future}},
		locales.ChineseSimplified: {{"两周前", "2026-11-08"}, {"上个月", "2026-10-22"}, {"3月3日", "2026-03-03"}, {"3/3", "2026-03-03"},
			{"星期一", "2026-11-16"}, {"2026年11月20日", "2026-11-20"}, {"2030年12月31日", future}},
		locales.ChineseTraditional: {{"2週前", "2026-11-08"}, {"上個月", "2026-10-22"}, {"3月3日", "2026-03-03"}, {"3/3", "2026-03-03"},
			{"禮拜五", "2026-11-20"}, {"2026年11月20日", "2026-11-20"}, {"2030年12月31日", future}},
		locales.Amharic: {{"ከ2 ሳምንት በፊት", "2026-11-08"}, {"ባለፈው ወር", "2026-10-22"}, {"ማርች 3", "2026-03-03"}, {"ሰኞ", "2026-11-16"},
			{"መጋቢት 3", "2026-03-12"}, {"ህዳር 10", "2026-11-19"}, {"5/13/2018", "2026-09-10"}, {"20/11/2026", "2026-11-20"},
			{"መስከረም 1 2030", future}, {"3/7/2018", calendar}},
	}
	for _, l := range locales.All {
		if len(forms[l]) < 7 {
			t.Errorf("%s: %d date forms; want at least 7", l, len(forms[l]))
		}
		c := newChat(t, e, l)
		c.send("4")
		c.send("1")
		c.send("x")
		if res := c.send("done"); res.Conv.State != "intake.when" {
			t.Fatalf("%s: not at the date question: %s", l, res.Conv.State)
		}
		atWhen := c.conv
		for _, f := range forms[l] {
			c.conv = atWhen
			c.conv.Vars = cloneVars(atWhen.Vars)
			res := c.send(f.text)
			said := ids(res)
			switch f.want {
			case future, unreadable:
				if res.Conv.State != "intake.when" || !slices.Contains(said, f.want) || !slices.Contains(said, "intake.ask.when") {
					t.Errorf("%s %q: %s %v; want %s and the question again", l, f.text, res.Conv.State, said, f.want)
				}
			case calendar:
				if res.Conv.State != "intake.when" || !slices.Contains(said, calendar) {
					t.Fatalf("%s %q: %s %v; want the calendar question", l, f.text, res.Conv.State, said)
				}
				asked := c.conv
				for reply, want := range map[string]string{"1": "2026-03-12", "2": "2018-07-03"} {
					c.conv = asked
					c.conv.Vars = cloneVars(asked.Vars)
					res := c.send(reply)
					if got := res.Conv.Vars["incident_date"]; got != want || res.Conv.State == "intake.when" {
						t.Errorf("%s %q, calendar %s: stored %q at %s; want %s and the next question", l, f.text, reply, got, res.Conv.State, want)
					}
				}
			default:
				if got := res.Conv.Vars["incident_date"]; got != f.want || res.Conv.State == "intake.when" {
					t.Errorf("%s %q: stored %q at %s %v; want %s and the next question", l, f.text, got, res.Conv.State, said, f.want)
				}
			}
		}
	}
}

func cloneVars(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
