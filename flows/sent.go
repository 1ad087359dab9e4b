package flows

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rightsline/rightsline/locales"
)

// JoinReplies is the one message a step sends on a channel that sends one
// message per step (SMS, the first Discord reply): the replies in order, a
// blank line between them. The runtime (bot.JoinReplies) and lint's budget
// of what is sent both use it, so the two cannot drift apart.
func JoinReplies(rs []Reply) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Text
	}
	return strings.Join(parts, "\n\n")
}

// BudgetFirst is the budget of a first contact: the welcome (the
// service's name), the information-not-advice notice and the menu, in one
// SMS: 3 segments in GSM-7, 5 in UCS-2.
var BudgetFirst = locales.Budget{Name: "first contact", GSM: 3, UCS2: 5}

// BudgetTopicFirst is the budget of a first message that is itself a
// topic: the one-line notice (MsgFirstNotice, which lint keeps within one
// segment alone) and what the message led to, an answer or a flow's first
// question. It is issue #9's budget for everything that is not a menu or
// a first contact, the answer's own (locales.BudgetAnswer: 4 segments
// GSM-7, 6 UCS-2), with no allowance for the notice line: the answers
// are written short enough to carry it, so a resident who opens with
// their problem pays no more than any answer costs. It has a name of its
// own only so that `rightsline lint -segments` shows it in a column of
// its own.
var BudgetTopicFirst = locales.Budget{Name: "topic first", GSM: locales.BudgetAnswer.GSM, UCS2: locales.BudgetAnswer.UCS2}

// Sent is one SMS the flows can send: the joined replies of one step, as
// the runtime sends them.
type Sent struct {
	Lang locales.Lang
	// What names the step: "enter intake.trait", "first contact",
	// "HELP at intake.when", "MORE 1 of housing.eviction" …
	What string
	// State is the state the step is about.
	State  string
	Budget locales.Budget
	Text   string
	Info   locales.SMSInfo
	// IDs are the messages joined, in order, each with its length in
	// characters: "intake.confirmation (312)" (a computed choice list is
	// "<state>.choices").
	IDs []string
	// Vars names the sample the text was rendered with ("" when the text
	// does not depend on one).
	Vars string
}

// Over reports whether the SMS costs more segments than its budget allows
// in the encoding it is sent in.
func (s Sent) Over() bool { return s.Info.Segments > s.Budget.For(s.Info.Encoding) }

// A Sample is one set of conversation variables lint renders the flows
// with: a place, a category, an incident date. Name says which, for the
// report.
type Sample struct {
	Name string
	Vars map[string]string
}

// SentMessages lists, for every language, every SMS the flows send: a
// first contact (the language noticed, the welcome, the notice, the menu);
// a first message that is itself a topic (every answer, and every topic's
// first example phrase, sent first: the one-line notice and the answer);
// the same after the language menu; every state as entered (its messages,
// its choice list as rendered, and every state it passes through by
// itself, as one SMS); HELP, "not understood" and an invalid answer at
// every state that waits; every MORE part; SOURCE of every answer; the idle
// restart, with and without a kept draft; "did you mean". States are
// entered with every sample's variables (the registered actions run, so
// a confirmation carries its real agency, contact and date); each distinct
// text is listed once, with the sample that first gave it. now is the
// clock the actions see.
//
// The budget of each: a menu or prompt state's own messages alone (the
// question and its list) are a menu (2 segments GSM-7, 3 UCS-2); a first
// contact BudgetFirst (3 and 5); anything else (an answer, a confirmation
// followed by the menu, HELP and the question asked again) the answer
// budget (4 and 6). A first message that is a topic, answered with the
// notice line, is BudgetTopicFirst (the answer budget again, 4 and 6); one
// that showed the menu is a first contact (BudgetFirst).
func (e *Engine) SentMessages(samples []Sample, now time.Time) ([]Sent, []error) {
	if len(samples) == 0 {
		samples = []Sample{{}}
	}
	var out []Sent
	var errs []error
	for _, l := range e.cat.Langs() {
		seen := map[string]bool{}
		add := func(what, state, sample string, s *stepper, b locales.Budget) {
			text := JoinReplies(s.replies)
			key := what + "\x00" + text
			if text == "" || seen[key] {
				return
			}
			seen[key] = true
			ids := make([]string, len(s.replies))
			for i, r := range s.replies {
				ids[i] = fmt.Sprintf("%s (%d)", r.ID, locales.Runes(r.Text))
			}
			out = append(out, Sent{Lang: l, What: what, State: state, Budget: b, Text: text, Info: locales.MeasureSMS(text), Vars: sample, IDs: ids})
		}
		// run steps a fresh conversation in l with one sample's variables
		// through fn, and lists the SMS it sends; a sample a state cannot
		// be rendered with is tried with the next one.
		run := func(what, state string, welcomed bool, fn func(s *stepper) error, budget func(s *stepper) locales.Budget) {
			var firstErr error
			ok := false
			for _, smp := range samples {
				s := &stepper{e: e, now: now, trace: []string{}, conv: Conversation{
					Lang: l, Vars: maps.Clone(smp.Vars), Welcomed: welcomed, DisclaimerShown: welcomed,
				}}
				if s.conv.Vars == nil {
					s.conv.Vars = map[string]string{}
				}
				if err := fn(s); err != nil {
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				ok = true
				if !e.usesVars(s) {
					add(what, state, "", s, budget(s))
					break // the same with every sample
				}
				add(what, state, smp.Name, s, budget(s))
			}
			if !ok && firstErr != nil {
				errs = append(errs, fmt.Errorf("%s: %s: %w", l, what, firstErr))
			}
		}
		first := func(*stepper) locales.Budget { return BudgetFirst }
		topicFirst := func(s *stepper) locales.Budget {
			if slices.Contains(s.trace, StateMenu) && !s.saidAny(MsgFirstNotice) {
				return BudgetFirst // it showed the menu: a first contact
			}
			return BudgetTopicFirst
		}
		// A first contact: the language noticed (the worst case: a
		// channel that knows the language says nothing of it), then the
		// welcome chain.
		run("first contact", StateWelcome, false, func(s *stepper) error {
			if err := s.say(MsgLangDetected); err != nil {
				return err
			}
			return s.enter(StateWelcome)
		}, first)
		// A first message that is itself a topic: every answer as the
		// reply to a first message (the language noticed, then what
		// answerAfterWelcome sends: the one-line notice and the answer),
		// and the example phrases of every topic (locales/examples) sent
		// as a first message, through the runtime's own first contact.
		for _, name := range e.c.names {
			if e.c.states[name].Kind != "answer" {
				continue
			}
			run("topic first: "+name, name, false, func(s *stepper) error {
				if err := s.say(MsgLangDetected); err != nil {
					return err
				}
				if err := s.enter(StateWelcome); err != nil {
					return err
				}
				return s.answerAfterWelcome(0, func() error { return s.enter(name) })
			}, topicFirst)
		}
		for _, ph := range e.topicFirstSamples(l) {
			run("topic first: \""+ph+"\"", StateWelcome, false, func(s *stepper) error {
				// The language is set as a channel that knows it does; one
				// detected says so first, and gives that line way to the
				// notice too (or keeps it with the menu: "first contact").
				return s.firstContact(Input{Text: ph})
			}, topicFirst)
			// The same first message held while the language menu asked,
			// answered once the language is chosen.
			if _, ok := e.c.states[StateLanguage]; ok {
				run("topic first after the language menu: \""+ph+"\"", StateLanguage, false, func(s *stepper) error {
					s.conv.State, s.conv.Held = StateLanguage, ph
					return s.input(Input{Text: strconv.Itoa(slices.Index(e.cat.Langs(), l) + 1)})
				}, topicFirst)
			}
		}
		// A language chosen on the language menu of a first contact:
		// where its first choice leads.
		if lang, ok := e.c.states[StateLanguage]; ok && len(lang.Choices) > 0 {
			if to, err := e.transition(StateLanguage, evChoosePrefix+lang.Choices[0].Key); err == nil {
				run("first contact after the language menu", to, false, func(s *stepper) error { return s.enter(to) }, first)
			}
		}
		for _, name := range e.c.names {
			st := e.c.states[name]
			if name != StateWelcome { // the first contact, above
				run("enter "+name, name, true, func(s *stepper) error { return s.enter(name) }, e.budgetOf)
			}
			if !waits(st) {
				continue
			}
			at := func(what string, fn func(s *stepper) error) {
				run(what+" at "+name, name, true, func(s *stepper) error {
					if err := s.enter(name); err != nil {
						return err
					}
					s.replies, s.trace = nil, s.trace[:0]
					return fn(s)
				}, func(*stepper) locales.Budget { return locales.BudgetAnswer })
			}
			at("HELP", func(s *stepper) error { return s.global(kwHelp) })
			at("not understood", func(s *stepper) error {
				if err := s.notUnderstood(); err != nil {
					return err
				}
				return s.reprompt(st)
			})
			if st.Collect != nil && st.Collect.Invalid != "" {
				at("invalid answer", func(s *stepper) error {
					if err := s.say(st.Collect.Invalid); err != nil {
						return err
					}
					return s.reprompt(st)
				})
			}
		}
		for _, name := range e.c.names {
			st := e.c.states[name]
			if st.Kind != "answer" {
				continue
			}
			for i, id := range st.More {
				run(fmt.Sprintf("MORE %d of %s", i+1, name), name, true, func(s *stepper) error { return s.say(id) },
					func(*stepper) locales.Budget { return locales.BudgetAnswer })
			}
			if st.Source != "" {
				run("SOURCE of "+name, name, true, func(s *stepper) error {
					s.conv.LastAnswer = name
					return s.global(kwSource)
				}, func(*stepper) locales.Budget { return locales.BudgetAnswer })
			}
		}
		other := func(*stepper) locales.Budget { return locales.BudgetAnswer }
		run("idle restart", StateMenu, true, func(s *stepper) error {
			s.conv.State, s.conv.LastActive = StateMenu, now.Add(-2*e.idle)
			return s.idleRestart(Input{})
		}, other)
		if _, ok := e.c.states[StateDraft]; ok {
			run("idle restart with a draft", StateDraft, true, func(s *stepper) error {
				s.conv.Draft = &Draft{State: StateMenu, At: now}
				if err := s.say(MsgIdleRestart); err != nil {
					return err
				}
				if err := s.enter(StateMenu); err != nil {
					return err
				}
				return s.enter(StateDraft)
			}, other)
		}
		run("did you mean", StateMenu, true, func(s *stepper) error {
			one, two := e.longestLabels(l)
			return s.sayWith(MsgDidYouMean, map[string]string{"one": one, "two": two})
		}, func(*stepper) locales.Budget { return locales.BudgetMenu })
	}
	return out, errs
}

// saidAny reports whether the step said the message id.
func (s *stepper) saidAny(id string) bool {
	return slices.ContainsFunc(s.replies, func(r Reply) bool { return r.ID == id })
}

// topicFirstSamples are the first example phrase of every topic in l
// (locales/examples/<l>.toml): first messages that are themselves topics.
func (e *Engine) topicFirstSamples(l locales.Lang) []string {
	var out []string
	if ex := e.examples[l]; ex != nil {
		for _, t := range ex.Topics {
			if len(t.Tuned) > 0 {
				out = append(out, t.Tuned[0])
			}
		}
	}
	return out
}

// waits reports whether a state stops and waits for the person.
func waits(st *State) bool {
	return len(st.Choices) > 0 || st.Collect != nil || st.ChoicesFrom != ""
}

// budgetOf is the budget of a state as entered: a menu when the SMS is
// only the question of the one state that waits; the first contact's when
// it passed through the welcome; else the answer budget.
func (e *Engine) budgetOf(s *stepper) locales.Budget {
	if slices.Contains(s.trace, StateWelcome) {
		return BudgetFirst
	}
	speaking := 0
	for _, name := range s.trace {
		st := e.c.states[name]
		if st.Kind == "answer" {
			return locales.BudgetAnswer
		}
		if len(st.Say) > 0 || st.ChoicesFrom != "" {
			speaking++
		}
	}
	if speaking <= 1 {
		return locales.BudgetMenu
	}
	return locales.BudgetAnswer
}

// usesVars reports whether what s said depended on the sample: it passed a
// branch, an action or a choice list computed from the conversation, or a
// message with a template.
func (e *Engine) usesVars(s *stepper) bool {
	for _, name := range s.trace {
		st := e.c.states[name]
		if st.Branch != nil || st.SkipIf != nil || st.ChoicesFrom != "" || (st.Action != nil && (st.Action.Run != "" || st.Action.SubmitReport)) {
			return true
		}
	}
	for _, r := range s.replies {
		if m, ok := e.cat.Lookup(locales.Source, r.ID); ok && strings.Contains(m.Text, "{{") {
			return true
		}
	}
	return false
}

// longestLabels are the two longest answer names "did you mean" can offer
// in l.
func (e *Engine) longestLabels(l locales.Lang) (string, string) {
	var labels []string
	for _, id := range slices.Sorted(maps.Values(e.index.labels)) {
		if t, err := e.cat.Text(l, id, nil); err == nil {
			labels = append(labels, t)
		}
	}
	slices.SortStableFunc(labels, func(a, b string) int { return locales.Runes(b) - locales.Runes(a) })
	for len(labels) < 2 {
		labels = append(labels, "")
	}
	return labels[0], labels[1]
}

// CheckSent is the check of what is sent: one SMS (a step's joined
// replies) over its budget.
const CheckSent = "sent-budget"

// LintSent budgets every SMS of SentMessages: each step over its budget is
// one problem (the worst sample of each), with the messages it joins and
// their lengths, so the fix can be found. A state that cannot be rendered
// with any sample is a problem too.
func (e *Engine) LintSent(samples []Sample, now time.Time) []locales.Problem {
	sent, errs := e.SentMessages(samples, now)
	var ps []locales.Problem
	// The notice line a topic-first answer starts with is budgeted one
	// segment alone (BudgetTopicFirst counts on it).
	for _, l := range e.cat.Langs() {
		if t, err := e.cat.Text(l, MsgFirstNotice, nil); err == nil {
			if info := locales.MeasureSMS(t); info.Segments > 1 {
				ps = append(ps, locales.Problem{Lang: l, ID: MsgFirstNotice, File: "flows", Check: CheckSent,
					Msg: fmt.Sprintf("the notice line of a topic-first answer is %d segments (%s, %d); keep it to one", info.Segments, info.Encoding, info.Units)})
			}
		}
	}
	for _, err := range errs {
		ps = append(ps, locales.Problem{File: "flows", Check: CheckSent, Msg: "cannot render: " + err.Error()})
	}
	worst := map[string]int{}
	var order []string
	for i, s := range sent {
		if !s.Over() {
			continue
		}
		k := string(s.Lang) + "\x00" + s.What
		j, seen := worst[k]
		if !seen {
			order = append(order, k)
		}
		if !seen || s.Info.Units > sent[j].Info.Units {
			worst[k] = i
		}
	}
	for _, k := range order {
		s := sent[worst[k]]
		st := e.c.states[s.State]
		unit := "characters"
		if s.Info.Encoding == locales.GSM7 {
			unit = "septets"
		}
		msg := fmt.Sprintf("%s: the SMS sent is %d segments (%s, %d %s), over the %s budget of %d: %s", s.What, s.Info.Segments, s.Info.Encoding, s.Info.Units, unit, s.Budget.Name, s.Budget.For(s.Info.Encoding), strings.Join(s.IDs, " + "))
		if s.Vars != "" {
			msg += "; with " + s.Vars
		}
		if info, ok := e.cat.Language(s.Lang); ok && s.Info.Encoding == locales.UCS2 && info.Encoding() == locales.GSM7 {
			msg += fmt.Sprintf("; UCS-2 because of %q", string(s.Info.NonGSM))
		}
		p := locales.Problem{Lang: s.Lang, ID: s.State, Check: CheckSent, Msg: msg}
		if st != nil {
			p.File, p.Line = st.file, st.line
		}
		ps = append(ps, p)
	}
	return ps
}
