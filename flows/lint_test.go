package flows

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rightsline/rightsline/locales"
)

// lintCatalog builds a catalog in all eight languages from English texts,
// with the engine's own messages and lists added; edit may change a
// message (nil deletes it).
func lintCatalog(t *testing.T, en map[string]string, edit func(l locales.Lang, id string, m *locales.Message) *locales.Message) *locales.Catalog {
	t.Helper()
	all := map[string]string{}
	for _, id := range EngineMessages {
		all[id] = "Engine says " + id
	}
	for _, id := range GlobalKeywordLists {
		all[id] = strings.TrimPrefix(strings.TrimPrefix(id, "kw.global."), "kw.")
	}
	delete(all, "kw.global.language") // a command word of locales/languages.toml
	for _, id := range validatorLists {
		all[id] = strings.TrimPrefix(id, "kw.")
	}
	all[MsgTooLong] = "Over {{.max}}."
	all[MsgSourceLine] = "Reviewed {{.reviewed}}."
	for id, text := range en {
		all[id] = text
	}
	fsys := fstest.MapFS{}
	for _, l := range locales.All {
		var msgs []*locales.Message
		for id, text := range all {
			m := &locales.Message{ID: id, Text: text}
			if l != locales.Source {
				m.SourceHash = locales.SourceHash("", text)
				m.Review = locales.ReviewDraft
			}
			if edit != nil {
				m = edit(l, id, m)
			}
			if m != nil {
				msgs = append(msgs, m)
			}
		}
		buf, err := locales.EncodeTOML(msgs)
		if err != nil {
			t.Fatal(err)
		}
		fsys[string(l)+".toml"] = &fstest.MapFile{Data: buf}
	}
	cat, _, err := locales.LoadFS(fsys, true)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

const lintMainFlow = `
flow: main
start: welcome
states:
  welcome:
    say: [m.welcome]
    next: menu
  menu:
    kind: menu
    say: [m.menu]
    choices:
      - {key: "1", label: m.opt, go: t.menu}
  language:
    kind: menu
    say: [m.menu]
    choices:
      - {key: "1", go: menu}
`

const lintTopicFlow = `
flow: t
start: menu
states:
  menu:
    kind: menu
    say: [m.menu]
    choices:
      - {key: "1", go: answer}
      - {key: "0", go: main.menu}
  answer:
    kind: answer
    say: [m.answer]
    more: [m.more]
    source: m.source
    reviewed: "2026-11-01"
    choices:
      - {key: "0", go: menu}
`

var lintTexts = map[string]string{
	"m.welcome": "Welcome.",
	"m.menu":    "1 Topic",
	"m.opt":     "Topic",
	"m.answer":  "The answer.",
	"m.more":    "More of it.",
	"m.source":  "A law.",
	"kw.x":      "tent",
}

// lintEngine compiles flow sources into an engine over cat.
func lintEngine(t *testing.T, cat *locales.Catalog, sources ...string) *Engine {
	t.Helper()
	var defs []*Flow
	for i, src := range sources {
		f, err := ParseFlow("flows/f"+string(rune('0'+i))+".yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		defs = append(defs, f)
	}
	e, err := New(cat, Options{Flows: defs})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func problemsOf(ps []locales.Problem, check string) []locales.Problem {
	var out []locales.Problem
	for _, p := range ps {
		if p.Check == check {
			out = append(out, p)
		}
	}
	return out
}

func TestLintCleanFlows(t *testing.T) {
	cat := lintCatalog(t, lintTexts, nil)
	if ps := Lint(lintEngine(t, cat, lintMainFlow, lintTopicFlow)); len(ps) != 0 {
		t.Fatalf("clean flows have problems:\n%v", ps)
	}
}

func TestLintFindsUnreachableState(t *testing.T) {
	cat := lintCatalog(t, lintTexts, nil)
	flow := lintTopicFlow + `
  forgotten:
    kind: answer
    say: [m.answer]
    choices:
      - {key: "0", go: menu}
  found_by_words:
    kind: answer
    topic: kw.x
    say: [m.answer]
    choices:
      - {key: "0", go: menu}
`
	ps := problemsOf(Lint(lintEngine(t, cat, lintMainFlow, flow)), locales.CheckUnreachable)
	if len(ps) != 1 || ps[0].ID != "t.forgotten" || ps[0].File != "flows/f1.yaml" || ps[0].Line == 0 {
		t.Fatalf("want t.forgotten alone (a topic makes a state reachable), got %v", ps)
	}
}

func TestLintFollowsBranches(t *testing.T) {
	cat := lintCatalog(t, lintTexts, nil)
	flow := strings.Replace(lintTopicFlow, `      - {key: "1", go: answer}`, `      - {key: "1", go: route}`, 1) + `
  route:
    branch:
      var: place
      cases: {dc: answer}
      default: answer_elsewhere
  answer_elsewhere:
    kind: answer
    say: [m.answer]
    source: m.source
    reviewed: "2026-11-01"
    choices:
      - {key: "0", go: menu}
`
	if ps := Lint(lintEngine(t, cat, lintMainFlow, flow)); len(ps) != 0 {
		t.Fatalf("a branch's cases and default are reachable, and the branch leads back through them:\n%v", ps)
	}
}

func TestLintFindsStatesWithNoWayBack(t *testing.T) {
	cat := lintCatalog(t, lintTexts, nil)
	flow := strings.Replace(lintTopicFlow, `      - {key: "0", go: main.menu}`, `      - {key: "0", go: main.menu}
      - {key: "2", go: trap}`, 1) + `
  trap:
    kind: menu
    say: [m.menu]
    choices:
      - {key: "1", go: trap_more}
  trap_more:
    say: [m.answer]
    next: trap
`
	ps := problemsOf(Lint(lintEngine(t, cat, lintMainFlow, flow)), locales.CheckNoWayBack)
	if len(ps) != 2 || ps[0].ID != "t.trap" || ps[1].ID != "t.trap_more" {
		t.Fatalf("want t.trap and t.trap_more (they only lead to each other), got %v", ps)
	}
	if !strings.Contains(ps[0].String(), "main.menu") {
		t.Errorf("should say how to fix: %s", ps[0])
	}
}

func TestLintFindsMissingTranslation(t *testing.T) {
	cat := lintCatalog(t, lintTexts, func(l locales.Lang, id string, m *locales.Message) *locales.Message {
		if l == locales.Amharic && id == "m.answer" {
			return nil
		}
		if l == locales.English && id == MsgHelp {
			return nil
		}
		return m
	})
	ps := problemsOf(Lint(lintEngine(t, cat, lintMainFlow, lintTopicFlow)), locales.CheckMissing)
	var gotAnswer, gotHelp bool
	for _, p := range ps {
		gotAnswer = gotAnswer || (p.Lang == locales.Amharic && p.ID == "m.answer")
		gotHelp = gotHelp || (p.Lang == locales.English && p.ID == MsgHelp)
	}
	if !gotAnswer || !gotHelp {
		t.Fatalf("want am m.answer and the engine's %s in English, got %v", MsgHelp, ps)
	}
}

func TestLintFindsTemplateVariableMismatch(t *testing.T) {
	cat := lintCatalog(t, lintTexts, func(l locales.Lang, id string, m *locales.Message) *locales.Message {
		if l == locales.Spanish && id == MsgTooLong {
			m.Text = "Más de {{.maximo}}."
		}
		return m
	})
	ps := problemsOf(Lint(lintEngine(t, cat, lintMainFlow, lintTopicFlow)), locales.CheckTemplate)
	if len(ps) != 1 || ps[0].Lang != locales.Spanish || ps[0].ID != MsgTooLong {
		t.Fatalf("got %v", ps)
	}
}

func TestLintBudgetsFollowTheState(t *testing.T) {
	// 400 septets: 3 GSM-7 segments, over a menu's 2, within an answer's 4.
	long := strings.Repeat("abcd ", 80)
	texts := map[string]string{}
	for k, v := range lintTexts {
		texts[k] = v
	}
	texts["m.answer"] = long
	texts["m.more"] = long
	texts["m.source"] = long + long // 800 septets: 6 segments, over 4
	texts["m.menu"] = long
	cat := lintCatalog(t, texts, func(l locales.Lang, id string, m *locales.Message) *locales.Message {
		if l.UsesUCS2() {
			m.Text = "短"
			if id == "m.menu" {
				m.Text = strings.Repeat("短", 210) // 4 UCS-2 segments
			}
		}
		return m
	})
	ps := problemsOf(Lint(lintEngine(t, cat, lintMainFlow, lintTopicFlow)), locales.CheckBudget)
	got := map[string]int{}
	for _, p := range ps {
		got[p.ID]++
		if p.ID == "m.menu" && !strings.Contains(p.Msg, "menu budget of") {
			t.Errorf("m.menu should be held to the menu budget: %s", p)
		}
	}
	// en, es, fr: m.menu (3 > 2) and m.source (6 > 4); zh-Hans, zh-Hant,
	// vi, ko, am: m.menu (4 > 3).
	if got["m.menu"] != 8 || got["m.source"] != 3 || got["m.answer"] != 0 || got["m.more"] != 0 {
		t.Fatalf("got %v:\n%v", got, ps)
	}
}

func TestLintFindsAnswerWithoutCitation(t *testing.T) {
	cat := lintCatalog(t, lintTexts, nil)
	flow := strings.Replace(lintTopicFlow, `      - {key: "1", go: answer}`, `      - {key: "1", go: answer}
      - {key: "2", go: bare}`, 1) + `
  bare:
    kind: answer
    say: [m.answer]
    reviewed: "last spring"
    choices:
      - {key: "0", go: menu}
`
	ps := problemsOf(Lint(lintEngine(t, cat, lintMainFlow, flow)), locales.CheckAnswerCite)
	if len(ps) != 2 || ps[0].ID != "t.bare" || !strings.Contains(ps[0].Msg+ps[1].Msg, "last spring") {
		t.Fatalf("want no source and a bad date for t.bare, got %v", ps)
	}
}

func TestLintFindsLongLabel(t *testing.T) {
	cat := lintCatalog(t, lintTexts, func(l locales.Lang, id string, m *locales.Message) *locales.Message {
		if l == locales.French && id == "m.opt" {
			m.Text = strings.Repeat("Logement ", 10)
		}
		return m
	})
	ps := problemsOf(Lint(lintEngine(t, cat, lintMainFlow, lintTopicFlow)), locales.CheckLabel)
	if len(ps) != 1 || ps[0].Lang != locales.French || !strings.Contains(ps[0].Msg, "90 characters") {
		t.Fatalf("got %v", ps)
	}
}

func TestLintFindsStrayQuoteAndStaleHash(t *testing.T) {
	cat := lintCatalog(t, lintTexts, func(l locales.Lang, id string, m *locales.Message) *locales.Message {
		if l == locales.English && id == "m.answer" {
			m.Text = "It\u2019s the answer."
		}
		if l == locales.Korean && id == "m.more" {
			m.SourceHash = locales.SourceHash("", "older English")
		}
		return m
	})
	ps := Lint(lintEngine(t, cat, lintMainFlow, lintTopicFlow))
	if s := problemsOf(ps, locales.CheckStray); len(s) != 1 || s[0].Lang != locales.English || s[0].ID != "m.answer" {
		t.Errorf("stray: got %v", s)
	}
	// The English edit makes every translation of m.answer stale too.
	stale := problemsOf(ps, locales.CheckStale)
	var answer, more int
	for _, p := range stale {
		switch p.ID {
		case "m.answer":
			answer++
		case "m.more":
			more++
		}
	}
	if answer != 7 || more != 1 {
		t.Errorf("stale: want 7 m.answer and ko m.more, got %v", stale)
	}
}

func TestLintFindsGlobalWordClash(t *testing.T) {
	cat := lintCatalog(t, lintTexts, func(l locales.Lang, id string, m *locales.Message) *locales.Message {
		if l == locales.French && id == "kw.global.more" {
			m.Text = "plus, menu"
		}
		return m
	})
	ps := problemsOf(Lint(lintEngine(t, cat, lintMainFlow, lintTopicFlow)), locales.CheckKeywordDup)
	if len(ps) != 1 || ps[0].Lang != locales.French || !strings.Contains(ps[0].Msg, `"menu"`) {
		t.Fatalf("got %v", ps)
	}
}

// TestLintRepository is `rightsline lint` in the test suite: the embedded
// flows and catalog must have no problem at all. Validators, choice
// sources and actions that other packages register are stood in for by
// accepting ones, since lint reads the flow graph and the words, not what
// those functions do; `rightsline lint` itself uses the real ones.
func TestLintRepository(t *testing.T) {
	cat, err := locales.LoadForLint()
	if err != nil {
		t.Fatal(err)
	}
	defs, err := LoadFlows()
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Flows: defs, Validators: map[string]Validator{}, ChoiceSources: map[string]ChoiceSource{}, Actions: map[string]ActionFunc{}}
	builtin := builtinValidators()
	register := func(a *Action) {
		if a != nil && a.Run != "" {
			opts.Actions[a.Run] = func(*Conversation, time.Time) ([]Event, error) { return nil, nil }
		}
	}
	for _, f := range defs {
		for _, st := range f.States {
			if st.Collect != nil {
				for _, typ := range append(slices.Collect(maps.Values(st.Collect.Also)), st.Collect.Type) {
					if builtin[typ] == nil {
						opts.Validators[typ] = func(in string, _ locales.Lang, _ time.Time, _ *locales.Catalog) (string, bool) { return in, true }
					}
				}
			}
			if st.ChoicesFrom != "" {
				opts.ChoiceSources[st.ChoicesFrom] = func(*Conversation) []DynamicChoice { return nil }
			}
			register(st.Action)
			for _, ch := range st.Choices {
				register(ch.Action)
			}
		}
	}
	e, err := New(cat, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Lint(e) {
		if p.Warning {
			t.Log(p)
		} else {
			t.Error(p)
		}
	}
}
