package flows

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rightsline/rightsline/locales"
)

// fixture is a small flow set with its own catalog, so engine behaviour is
// tested apart from the shipped content.
const fixtureFlow = `
flow: main
start: welcome
states:
  welcome:
    say: [welcome]
    next: menu
  menu:
    kind: menu
    say: [menu]
    choices:
      - {key: "1", label: opt.a, keywords: kw.a, go: a}
      - {key: "2", go: ask_date}
      - {key: "3", go: story}
      - {key: "5", go: language}
  language:
    kind: menu
    say: [language]
    choices:
      - {key: "1", action: {set_language: en}, go: menu}
      - {key: "2", action: {set_language: es}, go: menu}
  a:
    kind: menu
    say: [a.menu]
    choices:
      - {key: "1", go: a1}
      - {key: "2", go: a}
  a1:
    kind: answer
    say: [a1.answer]
    more: [a1.more]
    source: a1.source
    reviewed: "2026-11-22"
    topic: kw.topic.a1
    choices:
      - {key: "0", go: menu}
  ask_date:
    say: [ask.date]
    collect: {var: when, type: date, invalid: bad.date}
    next: ask_zip
  ask_zip:
    skip_if: {var: when, in: [unknown]}
    say: [ask.zip]
    collect: {var: zip, type: zip}
    next: menu
  story:
    say: [ask.story]
    collect: {var: story, type: text, append: true, max: 20}
    next: menu
`

var fixtureEN = `
welcome = "Welcome."
menu = "1 A\n2 Date\n3 Story\n5 Language"
language = "1 English 2 Español"
"opt.a" = "Topic A"
"a.menu" = "1 A1\n2 Again"
"a1.answer" = "Answer A1."
"a1.more" = "More of A1."
"a1.source" = "Source: test."
"ask.date" = "When?"
"bad.date" = "Not a date."
"ask.zip" = "ZIP?"
"ask.story" = "Tell me."
"kw.a" = "alpha, first topic"
"kw.topic.a1" = "changed the locks, lockout"
"kw.global.menu" = "menu"
"kw.global.back" = "back"
"kw.global.help" = "help"
"kw.global.restart" = "restart"
"kw.global.source" = "source"
"kw.global.more" = "more"
"kw.done" = "done"
"kw.greeting" = "hi"
"kw.yes" = "yes"
"kw.no" = "no"
"kw.date.unknown" = "don't know"
"kw.date.today" = "today"
"kw.date.yesterday" = "yesterday"
"kw.date.last_week" = "last week"
"common.not_understood" = "Sorry?"
"common.idle_restart" = "Welcome back."
"common.help" = "Help text."
"common.disclaimer" = "Information, not advice. Emergency: 911."
"common.no_source" = "No source."
"common.date_future" = "In the future."
"common.date_calendar" = "Which calendar?"
"common.did_you_mean" = "1 {{.one}} 2 {{.two}}"
"common.no_more" = "No more."
"common.answer_reprompt" = "Reply SOURCE, BACK or MENU."
"common.append_ack" = "Got it."
"common.too_long" = "Kept {{.max}}."
"common.lang_detected" = "Replying in English."
"common.source_line" = "Reviewed {{.reviewed}}."
`

func fixtureEngine(t testing.TB) *Engine {
	t.Helper()
	es := strings.NewReplacer(`"1 A\n2 Date\n3 Story\n5 Language"`, `"1 A (es)"`, `"kw.global.menu" = "menu"`, `"kw.global.menu" = "menú"`).Replace(fixtureEN)
	cat, _, err := locales.LoadFS(fstest.MapFS{
		"en.toml": {Data: []byte(fixtureEN)},
		"es.toml": {Data: []byte(es)},
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFlow("flows/main.yaml", []byte(fixtureFlow))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(cat, Options{Flows: []*Flow{f}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var t0 = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// run steps through inputs and returns the last result.
func run(t *testing.T, e *Engine, conv Conversation, inputs ...string) Result {
	t.Helper()
	var res Result
	for i, in := range inputs {
		var err error
		res, err = e.Step(conv, Input{Text: in, At: t0.Add(time.Duration(i) * time.Minute)})
		if err != nil {
			t.Fatalf("step %q: %v", in, err)
		}
		conv = res.Conv
	}
	return res
}

func ids(res Result) string {
	var out []string
	for _, r := range res.Replies {
		out = append(out, r.ID)
	}
	return strings.Join(out, " ")
}

func TestStepPaths(t *testing.T) {
	e := fixtureEngine(t)
	en := Conversation{Lang: locales.English}
	cases := []struct {
		name    string
		inputs  []string
		replies string
		state   string
	}{
		{"greeting shows welcome and menu", []string{"hi"}, "welcome menu", "main.menu"},
		{"number picks a choice", []string{"hi", "1"}, "a.menu", "main.a"},
		{"keyword picks a choice", []string{"hi", "Alpha"}, "a.menu", "main.a"},
		{"keyword inside a sentence", []string{"hi", "tell me about the first topic please"}, "a.menu", "main.a"},
		{"answer shows the disclaimer once", []string{"hi", "1", "1"}, "common.disclaimer a1.answer", "main.a1"},
		{"self transition works", []string{"hi", "1", "2"}, "a.menu", "main.a"},
		{"free text reaches a topic from anywhere", []string{"hi", "2", "my landlord changed the locks"}, "common.disclaimer a1.answer", "main.a1"},
		{"unknown input re-prompts", []string{"hi", "1", "xyzzy"}, "common.not_understood a.menu", "main.a"},
		{"answer re-prompts briefly", []string{"hi", "1", "1", "xyzzy"}, "common.not_understood common.answer_reprompt", "main.a1"},
		{"back returns to the previous menu", []string{"hi", "1", "1", "back"}, "a.menu", "main.a"},
		{"back at the menu stays at the menu", []string{"hi", "back"}, "menu", "main.menu"},
		{"menu from anywhere", []string{"hi", "1", "1", "MENU"}, "menu", "main.menu"},
		{"source cites the last answer", []string{"hi", "1", "1", "source"}, "a1.source common.source_line", "main.a1"},
		{"source before any answer", []string{"hi", "source"}, "common.no_source", "main.menu"},
		{"more sends the rest, then says so", []string{"hi", "1", "1", "more", "more"}, "common.no_more", "main.a1"},
		{"help repeats the prompt", []string{"hi", "help"}, "common.help menu", "main.menu"},
		{"language word in another language", []string{"hi", "IDIOMA"}, "language", "main.language"},
		{"set language", []string{"hi", "5", "2"}, "menu", "main.menu"},
		{"date accepted then zip asked", []string{"hi", "2", "yesterday"}, "ask.zip", "main.ask_zip"},
		{"bad date re-asks", []string{"hi", "2", "someday"}, "bad.date ask.date", "main.ask_date"},
		{"future date refused with its reason", []string{"hi", "2", "12/31/2030"}, "common.date_future ask.date", "main.ask_date"},
		{"skip_if skips the zip", []string{"hi", "2", "don't know"}, "menu", "main.menu"},
		{"append collects until done", []string{"hi", "3", "one", "two", "done"}, "menu", "main.menu"},
		{"append over the limit stops", []string{"hi", "3", "0123456789", "0123456789abc"}, "common.too_long menu", "main.menu"},
		{"restart goes to welcome", []string{"hi", "1", "restart"}, "welcome menu", "main.menu"},
		{"empty message re-prompts without complaint", []string{"hi", ""}, "menu", "main.menu"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := run(t, e, en, c.inputs...)
			if got := ids(res); got != c.replies {
				t.Errorf("replies = %q, want %q", got, c.replies)
			}
			if res.Conv.State != c.state {
				t.Errorf("state = %q, want %q", res.Conv.State, c.state)
			}
		})
	}
}

func TestStepCollectedValues(t *testing.T) {
	e := fixtureEngine(t)
	res := run(t, e, Conversation{Lang: locales.English}, "hi", "2", "11/19/2026", "20001-1234")
	if res.Conv.Vars["when"] != "2026-11-19" || res.Conv.Vars["zip"] != "20001" {
		t.Fatalf("vars = %v", res.Conv.Vars)
	}
	res = run(t, e, Conversation{Lang: locales.Spanish}, "hi", "2", "19/11/2026")
	if res.Conv.Vars["when"] != "2026-11-19" {
		t.Fatalf("Spanish day-first date: vars = %v", res.Conv.Vars)
	}
	res = run(t, e, Conversation{Lang: locales.English}, "hi", "3", "one", "two", "done")
	if res.Conv.Vars["story"] != "one\ntwo" {
		t.Fatalf("story = %q", res.Conv.Vars["story"])
	}
}

func TestStepLanguageFirstContact(t *testing.T) {
	e := fixtureEngine(t)
	res := run(t, e, Conversation{}, "?")
	if res.Conv.State != StateLanguage {
		t.Fatalf("unknown language: state %q, want the language menu", res.Conv.State)
	}
	res = run(t, e, Conversation{}, "hola")
	if res.Conv.Lang != locales.Spanish || len(res.Events) == 0 || res.Events[0].Type != EventLanguageChanged {
		t.Fatalf("hola: lang %q events %v", res.Conv.Lang, res.Events)
	}
}

func TestIdleRestart(t *testing.T) {
	e := fixtureEngine(t)
	res := run(t, e, Conversation{Lang: locales.English}, "hi", "1")
	conv := res.Conv
	conv.Vars["zip"] = "20001"
	conv.Vars["story"] = "secret"
	res, err := e.Step(conv, Input{Text: "1", At: conv.LastActive.Add(DefaultIdle + time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	// The notice, then "1" is read at the menu, not at the old state.
	if got := ids(res); got != "common.idle_restart a.menu" {
		t.Fatalf("replies = %q", got)
	}
	if res.Conv.Vars["zip"] != "20001" || res.Conv.Vars["story"] != "" {
		t.Fatalf("vars after idle restart = %v (keep place, drop the rest)", res.Conv.Vars)
	}
}

func TestStepUnknownSavedStateRecovers(t *testing.T) {
	e := fixtureEngine(t)
	res, err := e.Step(Conversation{Lang: locales.English, State: "gone.state", LastActive: t0}, Input{Text: "1", At: t0})
	if err != nil {
		t.Fatal(err)
	}
	if res.Conv.State != "main.a" {
		t.Fatalf("state = %q", res.Conv.State)
	}
}

func TestStepOddInput(t *testing.T) {
	e := fixtureEngine(t)
	for _, in := range []string{"\x00\x01\x02", strings.Repeat("x", 100000), "\xff\xfe", "'; DROP TABLE x;--", "👋", "\u202e1"} {
		res := run(t, e, Conversation{Lang: locales.English}, "hi", in)
		if len(res.Replies) == 0 {
			t.Fatalf("no reply to %q", in[:min(len(in), 20)])
		}
	}
}

func TestDefinitionErrorsNameFileAndLine(t *testing.T) {
	cat, _, err := locales.LoadFS(fstest.MapFS{"en.toml": {Data: []byte(fixtureEN)}}, true)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(fixtureFlow, "go: ask_date}", "go: nowhere}", 1)
	f, err := ParseFlow("flows/main.yaml", []byte(broken))
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(cat, Options{Flows: []*Flow{f}})
	var de *DefinitionError
	if !errors.As(err, &de) && !strings.Contains(err.Error(), "flows/main.yaml:") {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), `flows/main.yaml:13: state main.menu: choice 2 goes to "nowhere"`) {
		t.Fatalf("err = %v", err)
	}
	for _, c := range []struct{ src, want string }{
		{"flow: x\nstart: a\nstates:\n  a:\n    say: [welcome]\n    bogus: 1\n", "flows/x.yaml:6: field bogus not found"},
		{"flow: x\nstart: a\nstates:\n  a:\n    say: [welcome]\n", "dead end"},
		{"flow: x\nstart: a\nstates:\n  a:\n    say: [nope]\n    next: a\n", `message "nope" is not in locales/en.toml`},
		{"flow: x\nstart: a\nstates:\n  a:\n    say: [welcome]\n    collect: {var: v, type: colour}\n    next: a\n", `unknown collect type "colour"`},
		{"start: a\n", "missing `flow:`"},
	} {
		f, err := ParseFlow("flows/x.yaml", []byte(c.src))
		if err == nil {
			_, err = New(cat, Options{Flows: []*Flow{f}})
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("flow %q: err = %v, want it to mention %q", c.src, err, c.want)
		}
	}
}

// BenchmarkStep measures one engine step on the fixture's three-level path
// (menu → topic menu → answer → menu).
func BenchmarkStepFixture(b *testing.B) {
	e := fixtureEngine(b)
	conv := Conversation{Lang: locales.English}
	res, _ := e.Step(conv, Input{Text: "hi", At: t0})
	conv = res.Conv
	inputs := []string{"1", "1", "MENU"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := e.Step(conv, Input{Text: inputs[i%3], At: t0})
		if err != nil {
			b.Fatal(err)
		}
		conv = res.Conv
	}
}
