package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
)

// TestTopicFirstSMSIsBudgeted: in every language, a first message that is
// itself a topic (the first example phrase of housing.eviction) gets one
// SMS: the one-line notice (the service's name, information not advice)
// and the answer, without the welcome and the menu; lint lists exactly
// that SMS (what the engine sends) under the topic-first budget, and it
// fits; the first contact of a greeting still has the welcome and the
// menu within the first-contact budget. The topic-first budget is the
// answer's (issue #9: everything but menus and the first contact, 4
// segments GSM-7 / 6 UCS-2), and every topic-first SMS lint lists, every
// answer and every topic's example phrase in every language, starts with
// the notice line and fits it.
func TestTopicFirstSMSIsBudgeted(t *testing.T) {
	e, cat := contentEngine(t)
	u, err := locales.LoadUnderstanding()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	sent, errs := e.SentMessages(nil, now)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, l := range cat.Langs() {
		var phrase string
		for _, tp := range u.Examples[l].Topics {
			if tp.State == "housing.eviction" && len(tp.Tuned) > 0 {
				phrase = tp.Tuned[0]
			}
		}
		if phrase == "" {
			t.Fatalf("%s: no example phrase for housing.eviction", l)
		}
		res, err := e.Step(flows.Conversation{Lang: l}, flows.Input{Text: phrase, At: now})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Replies) != 2 || res.Replies[0].ID != flows.MsgFirstNotice || res.Replies[1].ID != "housing.eviction" {
			t.Errorf("%s %q: replies %v, want the notice line and the answer", l, phrase, res.Replies)
			continue
		}
		notice, _ := cat.Text(l, flows.MsgFirstNotice, nil)
		if !strings.HasPrefix(notice, "Rightsline") || !strings.Contains(notice, "911") {
			t.Errorf("%s: the notice line %q must name the service and say 911", l, notice)
		}
		want := flows.JoinReplies(res.Replies)
		found := false
		for _, s := range sent {
			if s.Lang == l && s.What == `topic first: "`+phrase+`"` {
				found = true
				if s.Text != want || s.Budget != flows.BudgetTopicFirst || s.Over() {
					t.Errorf("%s: lint budgets %q (%s, %d segments), the engine sends %q", l, s.Text, s.Budget.Name, s.Info.Segments, want)
				}
			}
			if s.Lang == l && s.What == "first contact" && (s.Budget != flows.BudgetFirst || s.Over() || !strings.Contains(s.Text, "\n\n")) {
				t.Errorf("%s: first contact %q (%d segments, %s)", l, s.Text, s.Info.Segments, s.Budget.Name)
			}
		}
		if !found {
			t.Errorf("%s: lint does not budget the topic-first SMS of %q", l, phrase)
		}
	}
	if b := flows.BudgetTopicFirst; b.GSM != locales.BudgetAnswer.GSM || b.UCS2 != locales.BudgetAnswer.UCS2 || b.GSM != 4 || b.UCS2 != 6 {
		t.Errorf("topic-first budget %d GSM-7 / %d UCS-2, want the answer's 4 / 6", b.GSM, b.UCS2)
	}
	topicFirst := map[locales.Lang]int{}
	for _, s := range sent {
		if s.Budget != flows.BudgetTopicFirst {
			continue
		}
		topicFirst[s.Lang]++
		notice, _ := cat.Text(s.Lang, flows.MsgFirstNotice, nil)
		if !strings.HasPrefix(s.Text, notice+"\n\n") {
			t.Errorf("%s %s: the topic-first SMS does not start with the notice line: %q", s.Lang, s.What, s.Text)
		}
		if s.Over() {
			t.Errorf("%s %s: %d segments (%s), over %d: %s", s.Lang, s.What, s.Info.Segments, s.Info.Encoding, s.Budget.For(s.Info.Encoding), strings.Join(s.IDs, " + "))
		}
	}
	for _, l := range cat.Langs() {
		// Every answer state and every topic's example phrase, sent first
		// and held behind the language menu: dozens in each language.
		if topicFirst[l] < 20 {
			t.Errorf("%s: lint budgets %d topic-first SMS, want every answer and example phrase", l, topicFirst[l])
		}
	}
}

// TestEveryStemmerNameHasAStemmer: each stemmer locales/languages.toml may
// name (locales.Stemmers) is one the matcher has, and the embedded
// languages' data selects the same ones as before it was data (English,
// Spanish, French; Vietnamese syllabic; Amharic's Ethiopian calendar).
func TestEveryStemmerNameHasAStemmer(t *testing.T) {
	for _, n := range locales.Stemmers {
		if !flows.HasStemmer(n) {
			t.Errorf("stemmer %q is allowed in languages.toml but the matcher has none", n)
		}
	}
	for l, want := range map[locales.Lang]string{locales.English: "english", locales.Spanish: "spanish", locales.French: "french", locales.Korean: ""} {
		if info, _ := locales.Info(l); info.Stemmer != want {
			t.Errorf("%s stemmer %q, want %q", l, info.Stemmer, want)
		}
	}
	if info, _ := locales.Info(locales.Vietnamese); !info.Syllabic {
		t.Error("Vietnamese is not syllabic")
	}
	if info, _ := locales.Info(locales.Amharic); info.Calendar != locales.CalendarEthiopian {
		t.Error("Amharic dates are not Ethiopian")
	}
}
