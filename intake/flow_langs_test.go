package intake_test

import (
	"strings"
	"testing"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
)

// words a resident types in each language: DONE, a date in local form,
// SKIP, and the expected stored date.
var langWords = map[locales.Lang]struct{ done, date, skip, want string }{
	locales.English:            {"done", "11/02/2026", "skip", "2026-11-02"},
	locales.Spanish:            {"listo", "02/11/2026", "saltar", "2026-11-02"},
	locales.ChineseSimplified:  {"完成", "2026年11月2日", "跳过", "2026-11-02"},
	locales.ChineseTraditional: {"完成", "2026年11月2日", "跳過", "2026-11-02"},
	locales.Vietnamese:         {"xong", "2/11/2026", "bỏ qua", "2026-11-02"},
	locales.Korean:             {"완료", "2026년 11월 2일", "건너뛰기", "2026-11-02"},
	locales.Amharic:            {"ጨረስኩ", "2/11/2026", "እለፍ", "2026-11-02"},
	locales.French:             {"fini", "2/11/2026", "passer", "2026-11-02"},
}

// TestIntakeEveryLanguage files a Pittsburgh employment report in every
// language, with the local words for DONE, dates and SKIP, and checks
// that no reply after the narrative repeats it.
func TestIntakeEveryLanguage(t *testing.T) {
	e := newEngine(t)
	for _, l := range locales.All {
		t.Run(string(l), func(t *testing.T) {
			w := langWords[l]
			c := newChat(t, e, l)
			secret := "Mi jefe me grito por mi acento 秘密 비밀 ሚስጥር"
			c.send("4")
			c.send("3")
			c.expectState("intake.what")
			c.send(secret)
			c.send(w.done)
			c.expectState("intake.when")
			c.send(w.date)
			c.expectState("intake.place")
			if c.conv.Vars["incident_date"] != w.want {
				t.Fatalf("date %q stored as %q", w.date, c.conv.Vars["incident_date"])
			}
			c.send("15213")
			c.expectState("intake.who")
			c.send("2")
			c.send(w.skip)
			c.expectState("intake.trait")
			if c.conv.Vars["respondent_name"] != "" {
				t.Fatalf("SKIP stored %q", c.conv.Vars["respondent_name"])
			}
			c.send("1") // Pittsburgh has no list of its own: federal traits, race first
			if c.conv.Vars["protected_trait"] != "race" {
				t.Fatalf("trait = %q", c.conv.Vars["protected_trait"])
			}
			c.send("3") // no contact: straight to consent
			c.expectState("intake.consent")
			c.send("1")
			c.expectState("intake.summary")
			res := c.send("1")
			ev, ok := submitted(res)
			if !ok {
				t.Fatalf("not submitted: %q", texts(res))
			}
			if !strings.HasPrefix(ev.Vars["ref"], "PGH-") || ev.Vars["contact_method"] != "none" || ev.Vars["intake_lang"] != string(l) {
				t.Fatalf("event vars: ref %q method %q lang %q", ev.Vars["ref"], ev.Vars["contact_method"], ev.Vars["intake_lang"])
			}
			if got := ids(res); len(got) < 1 || got[0] != "intake.confirmation" || !strings.Contains(res.Replies[0].Text, ev.Vars["ref"]) {
				t.Fatalf("confirmation: %v %q", got, texts(res))
			}
			// The commission in the resident's language, its contact with
			// the month it was checked, and never a "filed complaint".
			name, _ := langCatalog(t).Text(l, "agency.pghchr", nil)
			if !strings.Contains(res.Replies[0].Text, name) || !strings.Contains(res.Replies[0].Text, "412-255-2600") || !strings.Contains(res.Replies[0].Text, "2026-11") {
				t.Fatalf("confirmation does not name the commission %q with its dated contact: %q", name, res.Replies[0].Text)
			}
			assertNoNarrative(t, c, secret[:15], "秘密", "비밀", "ሚስጥር")
		})
	}
}

func TestIntakeNoConsentFilesNothing(t *testing.T) {
	e := newEngine(t)
	c := newChat(t, e, locales.Spanish)
	for _, in := range []string{"4", "1", "mi historia privada", "listo", "no sé", "20001", "1", "saltar", "1", "3"} {
		c.send(in)
	}
	c.expectState("intake.consent")
	res := c.send("no")
	c.expectState("intake.no_consent")
	if got := strings.Join(texts(res), "\n"); !strings.Contains(got, "Oficina de Derechos Humanos de DC (OHR) ((202) 727-4559, ohr.intake@dc.gov, al 2026-11)") {
		t.Fatalf("no consent: where to go yourself is missing: %q", got)
	}
	res = c.send("2")
	if _, ok := submitted(res); ok {
		t.Fatal("a report was submitted without consent")
	}
	c.expectState(flows.StateMenu)
	for _, k := range []string{"narrative", "category", "respondent_type"} {
		if _, left := c.conv.Vars[k]; left {
			t.Errorf("%s kept after dropping the report", k)
		}
	}
	if c.conv.Vars["jurisdiction"] != "dc" {
		t.Errorf("the place should be remembered for rights answers: %v", c.conv.Vars)
	}
}

func TestIntakeChangeOfMindAfterNoConsent(t *testing.T) {
	e := newEngine(t)
	c := newChat(t, e, locales.English)
	for _, in := range []string{"4", "2", "they took my tent", "done", "last week", "Eugene", "3", "skip", "1", "skip", "2"} {
		c.send(in)
	}
	// Homelessness: no trait question.
	c.expectState("intake.no_consent")
	c.send("1")
	c.expectState("intake.summary")
	res := c.send("1")
	ev, ok := submitted(res)
	if !ok || ev.Vars["consent"] != "yes" || ev.Vars["jurisdiction"] != "eugene-or" || ev.Vars["zip"] != "" || ev.Vars["protected_trait"] != "" {
		t.Fatalf("event %v %v", ok, ev.Vars)
	}
	if ev.Vars["incident_date"] != "2026-11-15" {
		t.Fatalf("last week from %s = %q", now.Format("2006-01-02"), ev.Vars["incident_date"])
	}
}

func TestIntakeEditAndCancel(t *testing.T) {
	e := newEngine(t)
	c := newChat(t, e, locales.English)
	for _, in := range []string{"4", "1", "first version", "done", "don't know", "96813", "1", "skip", "3", "3", "yes"} {
		c.send(in)
	}
	c.expectState("intake.summary")
	if !strings.Contains(strings.Join(texts(c.log[len(c.log)-1]), "\n"), "not known") {
		t.Fatalf("unknown date not shown as such: %q", texts(c.log[len(c.log)-1]))
	}
	// Change what happened: the old text is replaced, not appended to.
	c.send("2")
	c.expectState("intake.edit")
	c.send("2")
	c.expectState("intake.edit_what")
	c.send("second version")
	c.send("done")
	c.expectState("intake.summary")
	if c.conv.Vars["narrative"] != "second version" {
		t.Fatalf("narrative = %q", c.conv.Vars["narrative"])
	}
	// Change the place: the trait list follows the new place.
	c.send("2")
	c.send("4")
	c.expectState("intake.edit_place")
	c.send("20002")
	c.expectState("intake.edit_trait")
	c.send("3") // DC's third trait
	c.expectState("intake.summary")
	if c.conv.Vars["jurisdiction"] != "dc" || c.conv.Vars["protected_trait"] != "religion" {
		t.Fatalf("after edit: %v", c.conv.Vars)
	}
	sum := strings.Join(texts(c.log[len(c.log)-1]), "\n")
	if !strings.Contains(sum, "DC Office of Human Rights") {
		t.Fatalf("summary after changing place: %q", sum)
	}
	res := c.send("3")
	if _, ok := submitted(res); ok || ids(res)[0] != "intake.cancelled" {
		t.Fatalf("cancel: %v", ids(res))
	}
	c.expectState(flows.StateMenu)
	if _, left := c.conv.Vars["narrative"]; left {
		t.Fatal("narrative kept after cancel")
	}
}

// A second report starts clean: nothing of the first one leaks into it.
func TestIntakeSecondReportStartsClean(t *testing.T) {
	e := newEngine(t)
	c := newChat(t, e, locales.English)
	for _, in := range []string{"4", "1", "first", "done", "today", "20001", "1", "skip", "1", "1", "skip", "1", "1"} {
		c.send(in)
	}
	c.expectState("intake.filed")
	c.send("4") // the menu's numbers work after filing
	c.send("6")
	c.send("second")
	c.send("done")
	c.expectState("intake.when")
	if c.conv.Vars["narrative"] != "second" {
		t.Fatalf("narrative = %q", c.conv.Vars["narrative"])
	}
	c.send("today")
	// The place is known from the first report: not asked again.
	c.expectState("intake.who")
}

// REPORT starts a report from a menu elsewhere, as the engine's messages
// promise; inside the narrative the same word is just text.
func TestReportWordStartsIntakeButNotInsideNarrative(t *testing.T) {
	e := newEngine(t)
	c := newChat(t, e, locales.English)
	c.send("1") // housing menu
	c.send("report")
	c.expectState("intake.category")
	c.send("1")
	c.send("I want to file a report about my landlord")
	c.expectState("intake.what")
	if c.conv.Vars["narrative"] != "I want to file a report about my landlord" {
		t.Fatalf("narrative = %q", c.conv.Vars["narrative"])
	}
	c2 := newChat(t, e, locales.Spanish)
	c2.send("2")
	c2.send("queja")
	c2.expectState("intake.category")
}

// The narrative limit is stated in the question and enforced: text past
// it is cut, the resident is told, and the flow moves on.
func TestNarrativeLimit(t *testing.T) {
	e := newEngine(t)
	c := newChat(t, e, locales.Korean)
	c.send("4")
	c.send("1")
	if q := texts(c.log[len(c.log)-1]); !strings.Contains(strings.Join(q, ""), "1500") {
		t.Fatalf("the question does not state the limit: %q", q)
	}
	c.send(strings.Repeat("가", 1000))
	res := c.send(strings.Repeat("나", 1000))
	c.expectState("intake.when")
	if n := len([]rune(c.conv.Vars["narrative"])); n != 1500 {
		t.Fatalf("narrative kept %d characters, want 1500", n)
	}
	if ids(res)[0] != flows.MsgTooLong {
		t.Fatalf("replies %v", ids(res))
	}
}

// TestSummaryPlaceOutsideKnownPlaces: a ZIP outside the places Rightsline
// knows shows in the summary as the ZIP and the federal label, in the
// resident's language, without brackets inside brackets (the Vietnamese
// summary showed only "Hoa Kỳ (luật liên bang)").
func TestSummaryPlaceOutsideKnownPlaces(t *testing.T) {
	e := newEngine(t)
	for _, l := range []locales.Lang{locales.Vietnamese, locales.English} {
		c := newChat(t, e, l)
		c.send("4")
		c.send("3")
		c.send("Bị sa thải vì giọng nói")
		c.send(langWords[l].done)
		c.send(langWords[l].date)
		c.expectState("intake.place")
		c.send("60601")
		c.expectState("intake.who")
		c.send("2")
		c.send(langWords[l].skip)
		c.send("1")
		c.send("3")
		c.send("1")
		c.expectState("intake.summary")
		federal, _ := langCatalog(t).Text(l, "place.federal", nil)
		if got := c.conv.Vars["sum_place"]; got != "60601, "+federal || strings.Contains(got, "((") {
			t.Errorf("%s: summary place %q, want %q", l, got, "60601, "+federal)
		}
	}
}
