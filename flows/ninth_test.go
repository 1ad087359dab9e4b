package flows_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/locales/localestest"
)

const ninth = locales.Lang("ru")

// ninthCatalog is the catalog on disk plus the language in
// testdata/ninth: its languages.toml entry appended to locales', its message
// files added. Messages testdata does not translate stand in as the English
// text (in a file of their own, fill.ru.toml), so that this test does not
// break whenever an English message is added; the conversation below only
// says translated ones.
func ninthCatalog(t *testing.T) *locales.Catalog {
	t.Helper()
	return localestest.CatalogWith(t, "../locales", "testdata/ninth", ninth)
}

// TestTwoScriptLanguageFromData: a language written in two scripts
// (Serbian in Cyrillic and in Latin letters, testdata/twoscript) is added
// from data alone, with its own script question made from its
// languages.toml entries: a greeting in Latin letters ("zdravo") is asked
// which script, both named in themselves; the answer by number or by name
// sets it and the conversation goes on in it, with the
// welcome and the menu; Cyrillic decides alone; the Chinese question
// still works beside it.
func TestTwoScriptLanguageFromData(t *testing.T) {
	cyr, lat := locales.Lang("sr-Cyrl"), locales.Lang("sr-Latn")
	cat := localestest.CatalogWith(t, "../locales", "testdata/twoscript", cyr, lat)
	if got := cat.Langs(); len(got) != len(locales.All)+2 || got[len(got)-2] != cyr || got[len(got)-1] != lat {
		t.Fatalf("languages %v: want the embedded ones and then %s, %s", got, cyr, lat)
	}
	if g := cat.VariantGroups(); !slices.Equal(g, []string{"zh", "sr"}) {
		t.Fatalf("variant groups %v", g)
	}
	e := contentEngineOf(t, cat, nil, nil)
	if _, ok := e.State(flows.StateLanguageVariants + "sr"); !ok {
		t.Fatalf("no %ssr state made from the data", flows.StateLanguageVariants)
	}
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	start := func(text string) (flows.Conversation, flows.Result) {
		t.Helper()
		res, err := e.Step(flows.Conversation{}, flows.Input{Text: text, At: at})
		if err != nil {
			t.Fatal(err)
		}
		return res.Conv, res
	}
	step := func(conv flows.Conversation, text string) (flows.Conversation, flows.Result) {
		t.Helper()
		at = at.Add(time.Minute)
		res, err := e.Step(conv, flows.Input{Text: text, At: at})
		if err != nil {
			t.Fatal(err)
		}
		return res.Conv, res
	}
	ids := func(res flows.Result) []string {
		var out []string
		for _, r := range res.Replies {
			out = append(out, r.ID)
		}
		return out
	}

	// A greeting in Latin letters: which script?
	conv, res := start("Zdravo!")
	if conv.State != flows.StateLanguageVariants+"sr" || len(res.Replies) != 1 ||
		res.Replies[0].Text != "Ћирилица или latinica?\n1 Српски (ћирилица)\n2 Srpski (latinica)" {
		t.Fatalf("zdravo: state %s, replies %q", conv.State, res.Replies)
	}
	if n := len(res.Prompt.Choices); n != 2 || res.Prompt.Choices[1].Label != "Srpski (latinica)" {
		t.Errorf("the question offers %v", res.Prompt.Choices)
	}
	// By number: Latin letters, then the welcome and the menu.
	conv, res = step(conv, "2")
	if conv.Lang != lat || res.Replies[0].Text != "Dobro, odgovaraću na srpskom, latinicom." || !slices.Contains(ids(res), "main.menu") {
		t.Fatalf("2: language %s, replies %v", conv.Lang, ids(res))
	}
	// Its LANGUAGE word (languages.toml) opens the menu, which lists both.
	conv, res = step(conv, "jezik")
	if conv.State != flows.StateLanguage || !strings.HasSuffix(res.Replies[len(res.Replies)-1].Text, "9 Српски (ћирилица)\n10 Srpski (latinica)") {
		t.Fatalf("jezik: state %s, %q", conv.State, res.Replies)
	}
	if conv, _ = step(conv, "ћирилица"); conv.Lang != cyr {
		t.Errorf("ћирилица on the language menu: %s", conv.Lang)
	}
	// By name on the question.
	conv, _ = start("pozdrav")
	if conv, _ = step(conv, "latinica"); conv.Lang != lat {
		t.Errorf("latinica on the script question: %s", conv.Lang)
	}
	// Cyrillic decides alone; Chinese still asks its own question.
	if conv, _ = start("Здраво, треба ми помоћ"); conv.Lang != cyr {
		t.Errorf("Cyrillic first message: language %q", conv.Lang)
	}
	if conv, res = start("您好"); conv.State != flows.StateLanguageVariants+"zh" || !strings.HasPrefix(res.Replies[0].Text, "简体还是繁體？\n1 简体中文\n2 繁體中文") {
		t.Errorf("您好: state %s, %q", conv.State, res.Replies)
	}
	if got := cat.Keywords(lat, "kw.intake.status"); !slices.Equal(got, []string{"stanje"}) {
		t.Errorf("STATUS in Serbian (Latin): %q", got)
	}
}

// A ninth language is added from data alone (testdata/ninth: no Go
// change) and a conversation runs in it: detected from its script, and
// offered for a greeting in Latin letters (its detect/ru.toml), answered
// in it, on the language menu, picked back by number and by name, its
// global words (MENU, BACK, HELP from ru.toml; LANGUAGE and STATUS from
// languages.toml) known, its dates read day first.
func TestNinthLanguageFromData(t *testing.T) {
	cat := ninthCatalog(t)
	if got := cat.Langs(); len(got) != len(locales.All)+1 || got[len(got)-1] != ninth {
		t.Fatalf("languages %v: want the embedded ones and then %s", got, ninth)
	}
	probe, err := flows.ParseFlow("probe.yaml", []byte(`
flow: probe
start: when
states:
  when:
    say: [main.opt.report]
    collect: {var: when, type: date}
    next: main.menu
`))
	if err != nil {
		t.Fatal(err)
	}
	e := contentEngineOf(t, cat, nil, nil, probe)
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	var conv flows.Conversation
	step := func(text string) flows.Result {
		t.Helper()
		at = at.Add(time.Minute)
		res, err := e.Step(conv, flows.Input{Text: text, At: at})
		if err != nil {
			t.Fatal(err)
		}
		conv = res.Conv
		return res
	}
	text := func(l locales.Lang, id string) string {
		t.Helper()
		s, err := cat.Text(l, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ids := func(res flows.Result) []string {
		var out []string
		for _, r := range res.Replies {
			out = append(out, r.ID)
		}
		return out
	}

	// Its detection data: its script decides; its greetings in Latin
	// letters offer it; the embedded languages' data still works beside it.
	for text, want := range map[string]locales.Detection{
		"Здравствуйте":         {Lang: ninth, Sure: true},
		"privet":               {Offer: []locales.Lang{ninth}},
		"Zdravstvuyte!":        {Offer: []locales.Lang{ninth}},
		"hola, necesito ayuda": {Lang: locales.Spanish, Sure: true},
		"selam":                {Offer: []locales.Lang{locales.Amharic}},
		"您好":                   {Offer: []locales.Lang{locales.ChineseSimplified, locales.ChineseTraditional}},
	} {
		if got := cat.DetectLang(text); got.Lang != want.Lang || got.Sure != want.Sure || !slices.Equal(got.Offer, want.Offer) {
			t.Errorf("DetectLang(%q) = %+v, want %+v", text, got, want)
		}
	}
	if got := locales.DetectLang("privet"); len(got.Offer) != 0 || got.Sure {
		t.Errorf("the embedded catalog, without Russian, offers %v for privet", got.Offer)
	}

	// Cyrillic is the new language's script: detected, answered in it.
	res := step("Здравствуйте, меня выселяют из квартиры")
	if conv.Lang != ninth {
		t.Fatalf("first contact in Russian: language %q, want %s", conv.Lang, ninth)
	}
	if want := []string{flows.MsgLangDetected, "main.welcome", flows.MsgDisclaimer, "main.menu"}; !slices.Equal(ids(res)[:4], want) {
		t.Fatalf("first contact said %v, want %v first", ids(res), want)
	}
	if res.Replies[0].Text != "Отвечаю по-русски. Чтобы сменить, ответьте ЯЗЫК." {
		t.Errorf("first reply %q is not testdata's Russian", res.Replies[0].Text)
	}

	// Its LANGUAGE word (languages.toml) opens the menu, which lists it.
	res = step("ЯЗЫК")
	if conv.State != flows.StateLanguage {
		t.Fatalf("ЯЗЫК went to %s, want %s", conv.State, flows.StateLanguage)
	}
	menu := res.Replies[len(res.Replies)-1].Text
	if !strings.HasSuffix(menu, "8 Français\n9 Русский") || res.Replies[0].Text != "Выберите язык:" {
		t.Errorf("language menu %q then %q", res.Replies[0].Text, menu)
	}
	if n := len(res.Prompt.Choices); n != 9 || res.Prompt.Choices[8].Label != "Русский" {
		t.Errorf("language menu offers %v", res.Prompt.Choices)
	}

	// Away and back: by number from Spanish, by its name from English.
	step("2")
	if conv.Lang != locales.Spanish {
		t.Fatalf("2 on the language menu: %s, want es", conv.Lang)
	}
	step("idioma")
	res = step("9")
	if conv.Lang != ninth || res.Replies[0].Text != text(ninth, "main.lang_set") {
		t.Fatalf("9 on the language menu: %s, %q", conv.Lang, res.Replies[0].Text)
	}
	step("language")
	step("1")
	step("language")
	if step("русский"); conv.Lang != ninth {
		t.Fatalf("\"русский\" on the language menu: %s, want %s", conv.Lang, ninth)
	}

	// Its menu keywords and global words work.
	if res = step("меню"); conv.State != flows.StateMenu || res.Replies[0].Text != text(ninth, "main.menu") {
		t.Errorf("МЕНЮ: state %s, %v", conv.State, ids(res))
	}
	step("1")
	inTopic := conv.State
	if inTopic == flows.StateMenu {
		t.Fatalf("1 on the menu stayed at %s", inTopic)
	}
	if step("НАЗАД"); conv.State != flows.StateMenu {
		t.Errorf("НАЗАД from %s went to %s, want %s", inTopic, conv.State, flows.StateMenu)
	}
	if res = step("помощь"); len(res.Replies) == 0 || res.Replies[0].ID != flows.MsgHelp {
		t.Errorf("ПОМОЩЬ said %v, want %s first", ids(res), flows.MsgHelp)
	}

	// Dates are read day first (date_order = "DMY").
	conv.State = "probe.when"
	step("03.04.2026")
	if got := conv.Vars["when"]; got != "2026-04-03" {
		t.Errorf("03.04.2026 in Russian stored as %q, want 2026-04-03 (day first)", got)
	}

	// What else languages.toml says of it.
	if l, ok := cat.ParseLang("ru-RU"); !ok || l != ninth {
		t.Errorf("ParseLang(ru-RU) = %q, %v", l, ok)
	}
	info, _ := cat.Language(ninth)
	if info.Encoding() != locales.UCS2 || !slices.Equal(info.Discord, []string{"ru"}) || info.English != "Russian" {
		t.Errorf("language data %+v", info)
	}
	if got := cat.Keywords(ninth, "kw.intake.status"); !slices.Equal(got, []string{"статус"}) {
		t.Errorf("STATUS in Russian: %q", got)
	}
}
