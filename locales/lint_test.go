package locales

import (
	"strings"
	"testing"
	"testing/fstest"
)

// fixture builds a catalog: en holds the English texts; every other
// language gets the same text with a fresh hash and review "draft", and
// then edit may change any message (nil deletes it).
func fixture(t *testing.T, en map[string]string, edit func(l Lang, id string, m *Message) *Message) *Catalog {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, l := range All {
		var msgs []*Message
		for id, text := range en {
			m := &Message{ID: id, Text: text}
			if l != Source {
				m.SourceHash = SourceHash("", text)
				m.Review = ReviewDraft
			}
			if edit != nil {
				m = edit(l, id, m)
			}
			if m != nil {
				msgs = append(msgs, m)
			}
		}
		buf, err := EncodeTOML(msgs)
		if err != nil {
			t.Fatal(err)
		}
		fsys[string(l)+".toml"] = &fstest.MapFile{Data: buf}
		if l != Source {
			fsys[ReviewFile(l)] = &fstest.MapFile{Data: EncodeReviews(l, msgs)}
		}
	}
	cat, _, err := LoadFS(fsys, true)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// only returns the problems of one check.
func only(ps []Problem, check string) []Problem {
	var out []Problem
	for _, p := range ps {
		if p.Check == check {
			out = append(out, p)
		}
	}
	return out
}

func TestLintCleanFixture(t *testing.T) {
	cat := fixture(t, map[string]string{"a.hello": "Hello {{.name}}", "kw.yes": "yes, y"}, nil)
	if ps := Lint(cat); len(ps) != 0 {
		t.Fatalf("clean catalog has problems: %v", ps)
	}
}

func TestLintFindsMissingAndOrphan(t *testing.T) {
	cat := fixture(t, map[string]string{"a.hello": "Hello", "a.bye": "Bye"}, func(l Lang, id string, m *Message) *Message {
		if l == Korean && id == "a.bye" {
			return nil
		}
		return m
	})
	ps := only(Lint(cat), CheckMissing)
	if len(ps) != 1 || ps[0].Lang != Korean || ps[0].ID != "a.bye" || ps[0].File != "locales/ko.toml" {
		t.Fatalf("missing: got %v", ps)
	}
	if !strings.Contains(ps[0].String(), `"Bye"`) {
		t.Errorf("the problem should quote the English: %s", ps[0])
	}
}

func TestLintFindsTemplateMismatch(t *testing.T) {
	cat := fixture(t, map[string]string{"a.ref": "Your number is {{.ref}}."}, func(l Lang, id string, m *Message) *Message {
		if l == Vietnamese {
			m.Text = "Số của bạn là {{.reference}}."
		}
		return m
	})
	ps := only(Lint(cat), CheckTemplate)
	if len(ps) != 1 || ps[0].Lang != Vietnamese {
		t.Fatalf("template: got %v", ps)
	}
	if !strings.Contains(ps[0].Msg, "{{.reference}}") || !strings.Contains(ps[0].Msg, "{{.ref}}") {
		t.Errorf("should name both variables: %s", ps[0].Msg)
	}
}

func TestLintFindsStaleAndUnhashed(t *testing.T) {
	cat := fixture(t, map[string]string{"a.x": "Call 911 now.", "a.y": "Hi"}, func(l Lang, id string, m *Message) *Message {
		switch {
		case l == Spanish && id == "a.x":
			m.SourceHash = SourceHash("", "Call 911.") // translated from an older English text
		case l == French && id == "a.y":
			m.SourceHash = ""
		}
		return m
	})
	ps := Lint(cat)
	stale := only(ps, CheckStale)
	if len(stale) != 1 || stale[0].Lang != Spanish || stale[0].ID != "a.x" {
		t.Fatalf("stale: got %v", stale)
	}
	if !strings.Contains(stale[0].Msg, "i18n hash --lang es --id a.x") {
		t.Errorf("stale should say how to refresh: %s", stale[0].Msg)
	}
	if nh := only(ps, CheckNoHash); len(nh) != 1 || nh[0].Lang != French || !strings.Contains(nh[0].Msg, SourceHash("", "Hi")) {
		t.Fatalf("no-hash: got %v", nh)
	}
}

// A review key in a catalog file (the format before the sidecar, which
// goi18n merge refuses) is an error that names the fix.
func TestLintAsksToMigrateAnInlineReview(t *testing.T) {
	fsys := fstest.MapFS{"en.toml": {Data: []byte("[\"a.x\"]\nother = \"Hi\"\n")}}
	for _, l := range All[1:] {
		body := "[\"a.x\"]\nhash = \"" + SourceHash("", "Hi") + "\"\nother = \"Hi\"\n"
		if l == Amharic {
			body = "[\"a.x\"]\nhash = \"" + SourceHash("", "Hi") + "\"\nreview = \"draft\"\nother = \"Hi\"\n"
		}
		fsys[string(l)+".toml"] = &fstest.MapFile{Data: []byte(body)}
	}
	cat, _, err := LoadFS(fsys, true)
	if err != nil {
		t.Fatal(err)
	}
	rv := only(Lint(cat), CheckReview)
	if len(rv) != 1 || rv[0].Lang != Amharic || !strings.Contains(rv[0].Msg, "i18n migrate") {
		t.Fatalf("review: got %v", rv)
	}
	fsys[ReviewFile(French)] = &fstest.MapFile{Data: []byte("[\"a.x\"]\nstatus = \"ok\"\ntext = \"x\"\n")}
	if _, _, err := LoadFS(fsys, true); err == nil || !strings.Contains(err.Error(), "review/fr.toml") {
		t.Errorf("an unknown review status must stop the load, naming the file: %v", err)
	}
}

func TestLintFindsStrayCurlyQuote(t *testing.T) {
	cat := fixture(t, map[string]string{"a.x": "You don't need a lawyer.", "kw.x": "don't"}, func(l Lang, id string, m *Message) *Message {
		switch l {
		case English, French:
			m.Text = strings.ReplaceAll(m.Text, "'", "\u2019")
		case Korean:
			m.Text = "변호사가 “필요” 없습니다."
		}
		return m
	})
	ps := only(Lint(cat), CheckStray)
	if len(ps) != 2 {
		t.Fatalf("stray: want en and fr a.x (not the keyword list, not Korean), got %v", ps)
	}
	for _, p := range ps {
		if p.ID != "a.x" || !strings.Contains(p.Msg, "U+2019") || !strings.Contains(p.Msg, "write '") {
			t.Errorf("stray: %s", p)
		}
	}
}

func TestStrayCharsOnlyWhenTheyDecideTheEncoding(t *testing.T) {
	cases := []struct {
		lang Lang
		text string
		want string
	}{
		{English, "plain text", ""},
		{English, "wait\u2026", "\u2026"},
		{French, "a\u00A0: b", "\u00A0"},
		{French, "« oui »", "«»"},
		{French, "garçon \u2014 oui", ""}, // ç needs UCS-2 anyway
		{Spanish, "sí \u2019", ""},        // so does í
		{Vietnamese, "“xin chào”", ""},    // UCS-2 language
	}
	for _, c := range cases {
		if got := string(StrayChars(infoOf(t, c.lang).Encoding(), c.text)); got != c.want {
			t.Errorf("StrayChars(%s, %q) = %q, want %q", c.lang, c.text, got, c.want)
		}
	}
}

func TestLintBudget(t *testing.T) {
	long := strings.Repeat("word ", 40) // 200 septets: 2 GSM-7 segments
	cat := fixture(t, map[string]string{"a.menu": long, "a.short": "Hi", "kw.long": strings.Repeat("w, ", 400)}, func(l Lang, id string, m *Message) *Message {
		switch {
		case id != "a.menu":
		case l == Korean:
			m.Text = strings.Repeat("가", 140) // 140 UCS-2 units: 3 segments
		case l == Spanish:
			m.Text = strings.Repeat("palabra ", 16) + "sí" // 130 units, UCS-2 because of í: 2 segments
		case l == French:
			m.Text = strings.Repeat("mot ", 40) + "ç" // 161 units, UCS-2: 3 segments
		}
		return m
	})
	if ps := cat.LintBudget([]string{"a.menu", "a.short", "kw.long"}, BudgetMenu); len(ps) != 0 {
		t.Fatalf("within the menu budget: %v", ps)
	}
	tight := Budget{Name: "menu", GSM: 1, UCS2: 2}
	ps := cat.LintBudget([]string{"a.menu", "kw.long"}, tight)
	got := map[Lang]string{}
	for _, p := range ps {
		got[p.Lang] = p.Msg
	}
	// The budget follows the encoding: zh, vi and am kept the GSM-7 English
	// text (2 > 1); Spanish is UCS-2 and within its 2.
	for _, l := range All {
		if over := got[l] != ""; over != (l != Spanish) {
			t.Errorf("%s over = %v: %v", l, over, ps)
		}
	}
	if !strings.Contains(got[French], "budget of 2 in UCS-2") || !strings.Contains(got[French], "in GSM-7 it would be 2") || !strings.Contains(got[French], "U+00E7") {
		t.Errorf("a UCS-2 French message should say what GSM-7 would cost and why: %s", got[French])
	}
	if strings.Contains(got[Korean], "GSM-7 it would") {
		t.Errorf("Korean cannot be GSM-7: %s", got[Korean])
	}
}

func TestLintBudgetCountsTemplateValues(t *testing.T) {
	text := strings.Repeat("a", 155) + "{{.ref}}"
	cat := fixture(t, map[string]string{"a.ref": text}, nil)
	if ps := cat.LintBudget(nil, Budget{Name: "menu", GSM: 1, UCS2: 1}); len(ps) == 0 {
		t.Fatal("155 characters and a reference do not fit one segment")
	}
}

func TestLintFindsOptOutKeyword(t *testing.T) {
	cat := fixture(t, map[string]string{"kw.done": "done, finished"}, func(l Lang, id string, m *Message) *Message {
		if l == French {
			m.Text = "fini, arrêt"
		}
		return m
	})
	ps := only(Lint(cat), CheckOptOut)
	if len(ps) != 1 || ps[0].Lang != French || !strings.Contains(ps[0].Msg, "arrêt") {
		t.Fatalf("opt-out: got %v", ps)
	}
}

func TestTranslationFile(t *testing.T) {
	if got := translationFile("content.en.toml", Korean); got != "content.ko.toml" {
		t.Errorf("got %s", got)
	}
	if got := translationFile("en.toml", ChineseTraditional); got != "zh-Hant.toml" {
		t.Errorf("got %s", got)
	}
}

// TestEmbeddedCatalogLints runs the catalog checks on the real catalog.
// flows.TestLintRepository runs the whole lint, flows included.
func TestEmbeddedCatalogLints(t *testing.T) {
	cat, err := LoadForLint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Lint(cat) {
		t.Error(p)
	}
}

func infoOf(t *testing.T, l Lang) *Language {
	t.Helper()
	info, ok := Info(l)
	if !ok {
		t.Fatalf("%s is not in %s", l, LanguagesFile)
	}
	return info
}

// The accents policy of languages.toml: Spanish and French keep their
// letters outside GSM-7 (sms_allow) and lint refuses a dropped accent
// where it changes the meaning (unaccented): "MAS", "SI", "¿Qué paso?",
// "lo revisara", "A DC", "Age". Another language's letters are refused;
// another script quoted (a language offer) is not; keyword lists are
// matched, not sent, and may hold both spellings.
func TestLintSpellingFollowsTheAccentsPolicy(t *testing.T) {
	bad := map[Lang]map[string]string{
		Spanish: {"a.more": "Responda MAS.", "a.yes": "Responda SI para confirmar.", "a.what": "¿Qué paso?", "a.review": "Staff lo revisara.", "a.where": "Discriminacion en DC."},
		French:  {"a.more": "Protégé à DC : Age.", "a.where": "A DC, appelez.", "a.what": "Bogotá."},
	}
	good := map[Lang]map[string]string{
		Spanish: {"a.more": "Responda MÁS.", "a.yes": "Responda SÍ para confirmar.", "a.what": "¿Qué pasó?", "a.review": "Lo revisará.", "a.where": "Si no sabe, Discriminación, 简体中文."},
		French:  {"a.more": "Protégé à DC : Âge.", "a.where": "À DC, ça va.", "a.what": "Señal, Ç, ça."},
	}
	en := map[string]string{"a.more": "More.", "a.yes": "Yes.", "a.what": "What?", "a.review": "Review.", "a.where": "Where.", "kw.more": "more"}
	texts := func(set map[Lang]map[string]string) *Catalog {
		return fixture(t, en, func(l Lang, id string, m *Message) *Message {
			if s, ok := set[l][id]; ok {
				m.Text = s
			}
			if id == "kw.more" && l == Spanish {
				m.Text = "más, mas"
			}
			return m
		})
	}
	ps := only(Lint(texts(bad)), CheckSpelling)
	got := map[string]bool{}
	for _, p := range ps {
		got[string(p.Lang)+" "+p.ID] = true
	}
	for l, msgs := range bad {
		for id := range msgs {
			if !got[string(l)+" "+id] {
				t.Errorf("%s %s %q: not flagged; problems: %v", l, id, msgs[id], ps)
			}
		}
	}
	if len(ps) != len(bad[Spanish])+len(bad[French]) {
		t.Errorf("want one problem per bad message, got %v", ps)
	}
	if ps := only(Lint(texts(good)), CheckSpelling); len(ps) != 0 {
		t.Errorf("correct spelling flagged: %v", ps)
	}
}
