package flows

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/locales"
)

// Each message on its own is within its budget, but the SMS sent on
// entering the menu joins two of them: lint budgets the SMS, not only the
// messages, and fails on it. The first contact (welcome + menu) is held to
// its own budget.
func TestLintSentFailsOverBudget(t *testing.T) {
	texts := map[string]string{}
	for k, v := range lintTexts {
		texts[k] = v
	}
	// 250 septets each: 2 GSM-7 segments alone (a menu's budget), 4
	// together.
	texts["m.menu"] = strings.Repeat("abcd ", 50)
	texts["m.intro"] = strings.Repeat("wxyz ", 50)
	cat := lintCatalog(t, texts, nil)
	flow := strings.Replace(lintMainFlow, "    say: [m.menu]\n    choices:\n      - {key: \"1\", label: m.opt, go: t.menu}",
		"    say: [m.intro, m.menu]\n    choices:\n      - {key: \"1\", label: m.opt, go: t.menu}", 1)
	e := lintEngine(t, cat, flow, lintTopicFlow)
	if ps := problemsOf(Lint(e), CheckSent); len(ps) != 0 {
		t.Fatalf("Lint without samples budgets what is sent: %v", ps)
	}
	ps := problemsOf(LintWith(e, LintOptions{Samples: []Sample{{}}}), CheckSent)
	got := map[string]bool{}
	for _, p := range ps {
		got[string(p.Lang)+" "+p.Msg[:strings.Index(p.Msg, ":")]] = true
		if locales.Errors([]locales.Problem{p}) != 1 {
			t.Errorf("an SMS over budget must fail lint: %s", p)
		}
	}
	for _, want := range []string{"en enter main.menu", "en first contact", "vi enter main.menu", "vi first contact"} {
		if !got[want] {
			t.Errorf("no problem %q in:\n%v", want, ps)
		}
	}
	for _, p := range ps {
		if strings.HasPrefix(p.Msg, "enter main.menu") && p.Lang == locales.English &&
			(!strings.Contains(p.Msg, "over the menu budget of 2") || !strings.Contains(p.Msg, "m.intro (250) + m.menu (250)")) {
			t.Errorf("the problem should name the budget and the messages joined: %s", p)
		}
	}
	// Shortened, it passes.
	texts["m.intro"] = "Hi."
	texts["m.menu"] = "1 Topic"
	e = lintEngine(t, lintCatalog(t, texts, nil), flow, lintTopicFlow)
	if ps := problemsOf(LintWith(e, LintOptions{Samples: []Sample{{}}}), CheckSent); len(ps) != 0 {
		t.Fatalf("within budget, lint still complains: %v", ps)
	}
}

// The SMS is the replies joined exactly as the runtime joins them.
func TestSentIsTheJoinedReplies(t *testing.T) {
	texts := map[string]string{}
	for k, v := range lintTexts {
		texts[k] = v
	}
	e := lintEngine(t, lintCatalog(t, texts, nil), lintMainFlow, lintTopicFlow)
	sent, errs := e.SentMessages([]Sample{{}}, time.Now())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	res, err := e.Step(Conversation{Lang: locales.English}, Input{Text: "hi", At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	want := JoinReplies(res.Replies)
	for _, s := range sent {
		if s.Lang == locales.English && s.What == "first contact" {
			if !strings.HasSuffix(s.Text, want) || s.Budget != BudgetFirst {
				t.Fatalf("first contact budgeted as %q (%s), the engine sends %q", s.Text, s.Budget.Name, want)
			}
			return
		}
	}
	t.Fatal("no first contact in what is sent")
}

const pagedFlow = `
flow: t
start: menu
states:
  menu:
    kind: menu
    say: [m.menu]
    choices:
      - {key: "1", go: pick}
      - {key: "0", go: main.menu}
  pick:
    say: [m.ask]
    choices_from: many
    next: done
  done:
    say: [m.answer]
    next: main.menu
`

// A long computed list (a place's 24 protected traits) is paged on SMS:
// each page fits the menu budget with its question, the pinned choice is
// on every page, MORE shows the next page (and the first after the last),
// and a number from any page picks its choice.
func TestLongChoiceListIsPaged(t *testing.T) {
	texts := map[string]string{}
	for k, v := range lintTexts {
		texts[k] = v
	}
	texts["m.ask"] = "Which of these is why you were treated this way? Reply with a number."
	texts[MsgListMore] = "More choices: reply MORE"
	for i := 1; i <= 25; i++ {
		texts["m.c"+strconv.Itoa(i)] = "Protected trait number " + strconv.Itoa(i)
	}
	cat := lintCatalog(t, texts, nil)
	var defs []*Flow
	for i, src := range []string{lintMainFlow, pagedFlow} {
		f, err := ParseFlow("flows/p"+strconv.Itoa(i)+".yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		defs = append(defs, f)
	}
	var picked string
	e, err := New(cat, Options{Flows: defs, ChoiceSources: map[string]ChoiceSource{"many": func(*Conversation) []DynamicChoice {
		var out []DynamicChoice
		for i := 1; i <= 25; i++ {
			out = append(out, DynamicChoice{Label: "m.c" + strconv.Itoa(i), Var: "trait", Value: strconv.Itoa(i), Pinned: i == 25})
		}
		return out
	}}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	conv := Conversation{Lang: locales.English, State: "t.menu", Welcomed: true, DisclaimerShown: true, Vars: map[string]string{}}
	step := func(in Input) Result {
		t.Helper()
		in.At = now
		res, err := e.Step(conv, in)
		if err != nil {
			t.Fatal(err)
		}
		conv = res.Conv
		return res
	}
	pages := []string{}
	res := step(Input{Text: "1"})
	for range 5 {
		sms := JoinReplies(res.Replies)
		info := locales.MeasureSMS(sms)
		if info.Segments > locales.BudgetMenu.For(info.Encoding) {
			t.Fatalf("page of %d segments:\n%s", info.Segments, sms)
		}
		if !strings.Contains(sms, "Which of these") || !strings.Contains(sms, "25. Protected trait number 25") || !strings.HasSuffix(sms, "More choices: reply MORE") {
			t.Fatalf("a page lacks the question, the pinned choice or MORE:\n%s", sms)
		}
		pages = append(pages, sms)
		res = step(Input{Text: "more"})
	}
	if !strings.Contains(pages[0], "\n1. Protected") || strings.Contains(pages[0], "24. Protected") {
		t.Fatalf("first page:\n%s", pages[0])
	}
	n := 1
	for n < len(pages) && pages[n] != pages[0] {
		n++
	}
	if n < 2 || n == len(pages) {
		t.Fatalf("MORE should go through %d+ pages and come back to the first; pages:\n%s", 2, strings.Join(pages, "\n---\n"))
	}
	seen := strings.Join(pages[:n], "\n")
	for i := 1; i <= 25; i++ {
		if !strings.Contains(seen, strconv.Itoa(i)+". Protected trait number "+strconv.Itoa(i)+"\n") && i != 25 {
			t.Fatalf("choice %d on no page:\n%s", i, seen)
		}
	}
	// On the first page, a number listed only on a later one still picks.
	step(Input{Text: "menu"})
	step(Input{Text: "1"})
	step(Input{Text: "1"})
	step(Input{Text: "23"})
	picked = conv.Vars["trait"]
	if picked != "23" {
		t.Fatalf("23 picked %q (state %s)", picked, conv.State)
	}
}
