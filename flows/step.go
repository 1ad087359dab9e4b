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

// Message IDs the engine itself sends. Every flow set's locales must have
// them; lint checks they exist in every language.
const (
	MsgNotUnderstood  = "common.not_understood"
	MsgIdleRestart    = "common.idle_restart"
	MsgHelp           = "common.help"
	MsgDisclaimer     = "common.disclaimer"
	MsgNoSource       = "common.no_source"
	MsgNoMore         = "common.no_more"
	MsgAnswerReprompt = "common.answer_reprompt"
	MsgAppendAck      = "common.append_ack"
	MsgTooLong        = "common.too_long"
	MsgLangDetected   = "common.lang_detected"
	MsgSourceLine     = "common.source_line"
	MsgDidYouMean     = "common.did_you_mean"
	MsgDateFuture     = "common.date_future"
	MsgDateCalendar   = "common.date_calendar"
	MsgDraftExpired   = "common.draft_expired"
	MsgListMore       = "common.list_more"
	// MsgFirstNotice is the service's name and the information-not-advice
	// notice in one line: what a first message that is itself a topic gets
	// before its answer, instead of the welcome, the notice and the menu
	// (the answer ends with how to reach the menu).
	MsgFirstNotice = "common.first_notice"
)

// EngineMessages lists the message IDs the engine sends itself.
var EngineMessages = []string{MsgNotUnderstood, MsgIdleRestart, MsgHelp, MsgDisclaimer, MsgNoSource, MsgNoMore, MsgAnswerReprompt, MsgAppendAck, MsgTooLong, MsgLangDetected, MsgSourceLine, MsgDidYouMean, MsgDateFuture, MsgDateCalendar, MsgDraftExpired, MsgListMore, MsgFirstNotice}

// Global word keyword lists, matched in every state and every language.
const (
	kwMenu     = "kw.global.menu"
	kwBack     = "kw.global.back"
	kwHelp     = "kw.global.help"
	kwLanguage = "kw.global.language"
	kwRestart  = "kw.global.restart"
	kwSource   = "kw.global.source"
	kwMore     = "kw.global.more"
	kwDone     = "kw.done"
)

// GlobalKeywordLists names the keyword lists of the global words.
var GlobalKeywordLists = []string{kwMenu, kwBack, kwHelp, kwLanguage, kwRestart, kwSource, kwMore, kwDone}

// vars kept when a conversation restarts.
var keptOnRestart = []string{"zip", "jurisdiction"}

const maxHops = 32
const maxBack = 12

type stepper struct {
	e       *Engine
	conv    Conversation
	now     time.Time
	replies []Reply
	events  []Event
	quiet   bool // the first message after a restart: no "not understood"
	// welcomeAt is 1 + the index in replies where this step began the
	// welcome chain (0: not in this step), for answerAfterWelcome.
	welcomeAt int
	// trace, when not nil, records every state entered (lint's budget
	// of what is sent, sent.go).
	trace []string
}

func (s *stepper) run(in Input) error {
	if s.conv.State == "" {
		return s.firstContact(in)
	}
	if _, ok := s.e.c.states[s.conv.State]; !ok {
		// The flow files changed under a saved conversation.
		s.conv.State = StateMenu
	}
	if d := s.conv.Draft; d != nil && s.now.Sub(d.At) > DraftLimit {
		s.conv.Draft = nil
		if err := s.say(MsgDraftExpired); err != nil {
			return err
		}
		if s.conv.State == StateDraft {
			s.conv.State = StateMenu
		}
	}
	if !s.conv.LastActive.IsZero() && s.now.Sub(s.conv.LastActive) > s.e.idle {
		return s.idleRestart(in)
	}
	return s.input(in)
}

// idleRestart starts again from the menu after a long rest. An unfinished
// report is kept as a draft and offered back; what the resident wrote now
// is kept with it.
func (s *stepper) idleRestart(in Input) error {
	if err := s.say(MsgIdleRestart); err != nil {
		return err
	}
	s.events = append(s.events, Event{Type: EventIdleRestart})
	if f := s.flowOf(s.conv.State); f != nil && f.Draft {
		s.conv.Draft = &Draft{State: s.conv.State, Vars: maps.Clone(s.conv.Vars), Back: slices.Clone(s.conv.Back), At: s.conv.LastActive}
	}
	s.reset()
	if d := s.conv.Draft; d != nil {
		if in.Text != "" && !s.e.index.isGreeting(in.Text) {
			d.Pending = in.Text
		}
		if err := s.enter(StateMenu); err != nil {
			return err
		}
		return s.enter(StateDraft)
	}
	// The message is read as if sent at the menu ("3" picks a topic);
	// if it says nothing there, the menu is shown.
	s.conv.State, s.quiet = StateMenu, true
	said := len(s.replies)
	if err := s.input(in); err != nil {
		return err
	}
	if len(s.replies) == said {
		return s.enter(StateMenu)
	}
	return nil
}

// flowStart is the start state of the flow state belongs to.
func (s *stepper) flowStart(state string) string {
	if f := s.flowOf(state); f != nil {
		return f.ID + "." + f.Start
	}
	return ""
}

// flowOf is the flow a state belongs to.
func (s *stepper) flowOf(state string) *Flow { return s.e.c.flows[flowOf(state)] }

// resume continues the kept draft: its answers back, its question asked
// again, and what the resident wrote on coming back answered in it.
func (s *stepper) resume() error {
	d := s.conv.Draft
	s.conv.Draft = nil
	if d == nil {
		return s.enter(StateMenu)
	}
	st, ok := s.e.c.states[d.State]
	if !ok {
		return s.enter(StateMenu)
	}
	maps.Copy(s.conv.Vars, d.Vars)
	s.conv.Back = d.Back
	s.conv.State = d.State
	if d.Pending != "" && st.Collect != nil {
		return s.handle(d.Pending)
	}
	return s.reprompt(st)
}

// input handles one message in the current state; then a first message
// held while the language was asked is answered at the menu.
func (s *stepper) input(in Input) error {
	start := len(s.replies)
	if !isLanguageQuestion(s.conv.State) {
		// Only the language menu returns to a question or answers a
		// held message; anything else forgets them.
		s.conv.Return, s.conv.Held = "", ""
	}
	if err := s.inputOnce(in); err != nil {
		return err
	}
	if held := s.conv.Held; held != "" && !isLanguageQuestion(s.conv.State) {
		s.conv.Held = ""
		// A global word (a lone "?" is HELP) needs no answer: the menu
		// was just shown.
		if _, global := s.e.index.global[locales.Fold(held)]; !global && s.conv.State == StateMenu {
			return s.answerAfterWelcome(start, func() error { return s.handle(held) })
		}
	}
	return nil
}

func (s *stepper) inputOnce(in Input) error {
	switch {
	case in.Word != "":
		list, ok := wordLists[in.Word]
		if !ok {
			return fmt.Errorf("flows: unknown global word %q", in.Word)
		}
		if list == kwDone {
			return s.handle(s.e.cat.Keyword(s.conv.Lang, kwDone))
		}
		return s.global(list)
	case in.Flow != "":
		return s.startFlow(in.Flow)
	case in.Choice != "":
		return s.pick(in.Choice)
	}
	return s.handle(in.Text)
}

// firstContact starts a conversation: pick the language (given by the
// channel, or detected from the text), welcome, then treat the message as
// if sent at the menu so "my landlord changed the locks" is answered at
// once.
func (s *stepper) firstContact(in Input) error {
	text := in.Text
	start := len(s.replies)
	if s.conv.Lang == "" {
		l, ok := s.e.detect(text)
		if !ok {
			s.conv.Lang = locales.English
			if text != "" && !s.e.index.isGreeting(text) {
				s.conv.Held = text // answered once a language is chosen
			}
			return s.enter(s.languageQuestion(text))
		}
		s.conv.Lang = l
		s.events = append(s.events, Event{Type: EventLanguageChanged})
		if err := s.say(MsgLangDetected); err != nil {
			return err
		}
	}
	if err := s.enter(StateWelcome); err != nil {
		return err
	}
	switch {
	case in.Word == WordMenu:
		return nil // the welcome shows the menu
	case in.Word != "" || in.Flow != "":
		return s.input(in)
	case in.Choice != "":
		return nil // no question was asked yet
	}
	if text == "" || s.e.index.isGreeting(text) {
		return nil
	}
	return s.answerAfterWelcome(start, func() error { return s.handle(text) })
}

// answerAfterWelcome reads a first message at the menu the welcome chain
// just showed (fn: the message handled), and keeps the one SMS a resident
// pays for short: when the message leads somewhere (an answer, "my
// landlord changed the locks"; a flow, "I want to file a report"; a
// topic's menu; "did you mean"), everything this step said from reply
// from on (the language noticed, the welcome, the notice, the menu) gives
// way to one line with the service's name and the information-not-advice
// notice (MsgFirstNotice), followed by what the message led to, which
// says how to reach the menu. A message that says nothing there keeps the
// welcome and the menu. Lint budgets both (sent.go: BudgetTopicFirst).
func (s *stepper) answerAfterWelcome(from int, fn func() error) error {
	said := len(s.replies)
	welcomeAt := s.welcomeAt
	s.quiet = true
	if err := fn(); err != nil {
		return err
	}
	if len(s.replies) == said || welcomeAt == 0 || from > welcomeAt-1 {
		return nil
	}
	follow := slices.Clone(s.replies[said:])
	s.replies = s.replies[:from]
	if err := s.say(MsgFirstNotice); err != nil {
		return err
	}
	s.replies = append(s.replies, follow...)
	return nil
}

// languageQuestion is the state that asks the language of a first message
// detection was not sure of: one short question for the languages the text
// points to ("您好": Simplified or Traditional, the variants of one
// languages.toml variant_of; "selam": Amharic?), when the
// flows have it, else the language menu.
func (s *stepper) languageQuestion(text string) string {
	var name string
	offer := s.e.offer(text)
	group := ""
	if len(offer) > 0 {
		group = s.e.cat.VariantGroupOf(offer[0])
		for _, l := range offer[1:] {
			if s.e.cat.VariantGroupOf(l) != group {
				group = ""
			}
		}
	}
	switch {
	case group != "":
		// The text points to a language written in more than one
		// script (its variants, or one of them greeted in Latin
		// letters): which script?
		name = StateLanguageVariants + group
	case len(offer) == 1:
		name = StateLanguageOffer + string(offer[0])
	}
	if _, ok := s.e.c.states[name]; ok {
		return name
	}
	return StateLanguage
}

// isLanguageQuestion reports whether state asks for a language: the
// language menu or one of the short offers made before it.
func isLanguageQuestion(state string) bool {
	return state == StateLanguage || strings.HasPrefix(state, StateLanguageVariants) || strings.HasPrefix(state, StateLanguageOffer)
}

// startFlow enters flow at its start, unless the conversation is already
// in it: then the current question is asked again and no answer is lost.
func (s *stepper) startFlow(flow string) error {
	f, ok := s.e.c.flows[flow]
	if !ok {
		return fmt.Errorf("flows: unknown flow %q", flow)
	}
	if strings.HasPrefix(s.conv.State, flow+".") {
		return s.reprompt(s.e.c.states[s.conv.State])
	}
	return s.enter(flow + "." + f.Start)
}

// pick answers the current state with the choice key, as a button does.
func (s *stepper) pick(key string) error {
	st := s.e.c.states[s.conv.State]
	switch {
	case st.Collect != nil:
		return s.handle(key)
	case st.ChoicesFrom != "":
		if i, err := strconv.Atoi(key); err == nil {
			dyn := s.e.reg.choiceSources[st.ChoicesFrom](&s.conv)
			if i >= 1 && i <= len(dyn) {
				s.conv.Vars[dyn[i-1].Var] = dyn[i-1].Value
				return s.next(st)
			}
		}
	default:
		for i := range st.Choices {
			if st.Choices[i].Key == key {
				return s.choose(st, &st.Choices[i])
			}
		}
	}
	if err := s.notUnderstood(); err != nil {
		return err
	}
	return s.reprompt(st)
}

// flowOf is the flow ID of a state name.
func flowOf(state string) string {
	id, _, _ := strings.Cut(state, ".")
	return id
}

func (s *stepper) reset() {
	kept := map[string]string{}
	for _, k := range keptOnRestart {
		if v, ok := s.conv.Vars[k]; ok {
			kept[k] = v
		}
	}
	s.conv.Vars = kept
	s.conv.Back = nil
	s.conv.Pending = nil
	s.conv.LastAnswer = ""
}

func (s *stepper) handle(text string) error {
	folded := locales.Fold(text)
	if sug := s.conv.Suggest; len(sug) > 0 {
		// The reply to "Did you mean: 1 … 2 …".
		s.conv.Suggest = nil
		if n, ok := matchNumber(folded); ok && n >= 1 && n <= len(sug) {
			if _, known := s.e.c.states[sug[n-1]]; known {
				return s.enter(sug[n-1])
			}
		}
	}
	if g, ok := s.e.index.global[folded]; ok && g != kwDone {
		return s.global(g)
	}
	st := s.e.c.states[s.conv.State]
	if s.e.index.isGreeting(text) && (st.Collect == nil || st.Collect.Type != "text") {
		// "hi" in the middle of a conversation: the menu.
		if s.quiet && s.conv.State == StateMenu {
			return nil
		}
		return s.global(kwMenu)
	}
	switch {
	case st.Collect != nil && text != "":
		return s.collect(st, text, folded)
	case st.ChoicesFrom != "":
		if i, ok := matchNumber(folded); ok {
			dyn := s.e.reg.choiceSources[st.ChoicesFrom](&s.conv)
			if i >= 1 && i <= len(dyn) {
				s.conv.Vars[dyn[i-1].Var] = dyn[i-1].Value
				return s.next(st)
			}
		}
	case len(st.Choices) > 0:
		if i, ok := s.e.index.matchChoice(st, s.conv.Lang, folded); ok && (len(st.Choices[i].Set) > 0 || !s.e.index.topicFirst(st, s.conv.Lang, folded)) {
			return s.choose(st, &st.Choices[i])
		}
	}
	if text != "" {
		switch m := s.e.index.topics.classify(s.conv.Lang, folded); m.level {
		case levelHigh:
			return s.enter(m.best)
		case levelClose:
			return s.suggest(m)
		}
	}
	if s.quiet {
		if s.conv.State == StateMenu {
			return nil // the welcome already showed the menu
		}
		return s.reprompt(st)
	}
	if text != "" {
		if err := s.notUnderstood(); err != nil {
			return err
		}
	}
	return s.reprompt(st)
}

// suggest asks "Did you mean: 1 … 2 …" with the two best answers; the
// conversation stays where it is.
func (s *stepper) suggest(m topicResult) error {
	labels := make(map[string]string, 2)
	for i, st := range []string{m.best, m.second} {
		id := s.e.index.labels[st]
		if id == "" {
			// No menu leads to it, so there is no name to offer it by.
			return s.enter(m.best)
		}
		label, err := s.e.cat.Text(s.conv.Lang, id, s.conv.Vars)
		if err != nil {
			return err
		}
		labels[[]string{"one", "two"}[i]] = label
	}
	s.conv.Suggest = []string{m.best, m.second}
	return s.sayWith(MsgDidYouMean, labels)
}

// notUnderstood says the current flow's "not understood" (a report's does
// not suggest REPORT), or the engine's.
func (s *stepper) notUnderstood() error {
	if f := s.flowOf(s.conv.State); f != nil && f.NotUnderstood != "" {
		return s.say(f.NotUnderstood)
	}
	return s.say(MsgNotUnderstood)
}

func (s *stepper) global(g string) error {
	switch g {
	case kwMenu:
		s.conv.Back = nil
		return s.enter(StateMenu)
	case kwBack:
		// The top of the stack is the current state; go to the one before.
		// A state that would be skipped now (the place, once known) is
		// passed over: going back to it would lead straight here again.
		for len(s.conv.Back) > 0 {
			top := s.conv.Back[len(s.conv.Back)-1]
			s.conv.Back = s.conv.Back[:len(s.conv.Back)-1]
			st, ok := s.e.c.states[top]
			if ok && top != s.conv.State && (st.SkipIf == nil || !st.SkipIf.holds(s.conv.Vars)) {
				return s.enter(top)
			}
		}
		return s.enter(StateMenu)
	case kwHelp:
		if err := s.say(MsgHelp); err != nil {
			return err
		}
		return s.reprompt(s.e.c.states[s.conv.State])
	case kwLanguage:
		if f := s.flowOf(s.conv.State); f != nil && f.ID != flowOf(StateMenu) {
			// In the middle of a flow: ask the same question again once
			// the language is chosen, answers kept.
			s.conv.Return = s.conv.State
		}
		return s.enter(StateLanguage)
	case kwRestart:
		s.reset()
		s.events = append(s.events, Event{Type: EventRestarted})
		return s.enter(StateWelcome)
	case kwSource:
		st, ok := s.e.c.states[s.conv.LastAnswer]
		if !ok || st.Source == "" {
			return s.say(MsgNoSource)
		}
		if err := s.say(st.Source); err != nil {
			return err
		}
		return s.sayWith(MsgSourceLine, map[string]string{"reviewed": st.Reviewed})
	case kwMore:
		if paged, err := s.morePage(); paged || err != nil {
			return err
		}
		if len(s.conv.Pending) == 0 {
			return s.say(MsgNoMore)
		}
		id := s.conv.Pending[0]
		s.conv.Pending = s.conv.Pending[1:]
		return s.say(id)
	}
	return fmt.Errorf("flows: unknown global word list %q", g)
}

func (s *stepper) collect(st *State, text, folded string) error {
	c := st.Collect
	if c.Append {
		if s.e.index.isDone(folded) {
			if s.conv.Vars[c.Var] == "" {
				return s.reprompt(st)
			}
			return s.next(st)
		}
		prev := s.conv.Vars[c.Var]
		joined := text
		if prev != "" {
			joined = prev + "\n" + text
		}
		if c.Max > 0 && locales.Runes(joined) > c.Max {
			s.conv.Vars[c.Var] = locales.Truncate(joined, c.Max, locales.Runes)
			if err := s.sayWith(MsgTooLong, map[string]string{"max": strconv.Itoa(c.Max)}); err != nil {
				return err
			}
			return s.next(st)
		}
		s.conv.Vars[c.Var] = joined
		return s.say(MsgAppendAck)
	}
	var v string
	var ok bool
	if c.Type == "date" {
		var problem string
		v, problem = s.readDate(c, text)
		switch problem {
		case "":
			ok = true
		case dateFuture:
			if err := s.say(MsgDateFuture); err != nil {
				return err
			}
			return s.reprompt(st)
		case dateCalendar:
			return s.say(MsgDateCalendar)
		}
	} else {
		v, ok = s.e.reg.validators[c.Type](text, s.conv.Lang, s.now, s.e.cat)
	}
	if ok && c.Max > 0 && locales.Runes(v) > c.Max {
		v = locales.Truncate(v, c.Max, locales.Runes)
		if err := s.sayWith(MsgTooLong, map[string]string{"max": strconv.Itoa(c.Max)}); err != nil {
			return err
		}
	}
	if !ok {
		// Not an answer to the question, but maybe a question of its own
		// ("my landlord changed the locks" when asked for a date).
		if target, found := s.e.index.matchTopic(s.conv.Lang, folded); found {
			return s.enter(target)
		}
		if c.Invalid != "" {
			if err := s.say(c.Invalid); err != nil {
				return err
			}
		} else if err := s.notUnderstood(); err != nil {
			return err
		}
		return s.reprompt(st)
	}
	s.conv.Vars[c.Var] = v
	s.collectAlso(c, text)
	return s.next(st)
}

// dateChoiceVar holds, while the person is asked which calendar a numeric
// Amharic date is in, its two readings: "ethiopian|gregorian".
const dateChoiceVar = "_date_readings"

// readDate reads a collected date: the keyword answers (today, yesterday,
// last week, don't know), then free text (flows/dates.go). A reply 1 or 2
// to the calendar question picks one of the two readings kept.
func (s *stepper) readDate(c *Collect, text string) (string, string) {
	if pending, ok := s.conv.Vars[dateChoiceVar]; ok {
		delete(s.conv.Vars, dateChoiceVar)
		eth, greg, _ := strings.Cut(pending, "|")
		switch n, _ := matchNumber(locales.Fold(text)); n {
		case 1:
			return eth, ""
		case 2:
			return greg, ""
		}
	}
	if v, ok := validateDate(text, s.conv.Lang, s.now, s.e.cat); ok {
		return v, ""
	}
	t, alt, problem := s.e.dates.read(locales.MatchFold(text), s.conv.Lang, s.now)
	switch problem {
	case "":
		return t.Format(time.DateOnly), ""
	case dateCalendar:
		s.conv.Vars[dateChoiceVar] = t.Format(time.DateOnly) + "|" + alt.Format(time.DateOnly)
	}
	return "", problem
}

func (s *stepper) next(st *State) error {
	dst, err := s.e.transition(st.name, evNext)
	if err != nil {
		return err
	}
	return s.enter(dst)
}

func (s *stepper) choose(st *State, ch *Choice) error {
	for k, v := range ch.Set {
		s.conv.Vars[k] = v
	}
	if err := s.act(ch.Action); err != nil {
		return err
	}
	if ch.Action != nil && ch.Action.ResumeDraft {
		return s.resume()
	}
	dst, err := s.e.transition(st.name, evChoosePrefix+ch.Key)
	if err != nil {
		return err
	}
	return s.enter(dst)
}

// act runs an action. It reports whether the action moved the conversation
// to another flow (go_to_flow).
func (s *stepper) act(a *Action) error {
	if a == nil {
		return nil
	}
	if a.SetLanguage != "" {
		l, _ := s.e.cat.ParseLang(a.SetLanguage)
		if l != s.conv.Lang {
			s.conv.Lang = l
		}
		s.events = append(s.events, Event{Type: EventLanguageChanged})
	}
	if a.DiscardDraft {
		s.conv.Draft = nil
	}
	if a.Run != "" {
		evs, err := s.e.reg.actions[a.Run](&s.conv, s.now)
		if err != nil {
			return err
		}
		s.events = append(s.events, evs...)
	}
	if a.SubmitReport {
		if fn, ok := s.e.reg.actions["submit_report"]; ok {
			evs, err := fn(&s.conv, s.now)
			if err != nil {
				return err
			}
			s.events = append(s.events, evs...)
		}
		s.events = append(s.events, Event{Type: EventReportSubmitted, Vars: maps.Clone(s.conv.Vars)})
	}
	return nil
}

// enter moves into state name: runs its action, says its messages and,
// unless it waits for input, follows Next.
func (s *stepper) enter(name string) error {
	for hops := 0; hops < maxHops; hops++ {
		switch {
		case name == StateMenu && s.conv.Return != "":
			// A language was chosen in the middle of a flow.
			back, ok := s.e.c.states[s.conv.Return]
			s.conv.Return = ""
			if ok {
				s.conv.State = back.name
				return s.reprompt(back)
			}
		case name == StateMenu && !s.conv.Welcomed && !s.conv.DisclaimerShown:
			// The language menu came first: the service's name and the
			// information-not-advice notice before the menu.
			name = StateWelcome
		case s.conv.Draft != nil && name == s.flowStart(s.conv.Draft.State):
			// Starting the flow a draft was kept in: offer the draft.
			name = StateDraft
		}
		st, ok := s.e.c.states[name]
		if !ok {
			return fmt.Errorf("flows: unknown state %q", name)
		}
		if s.trace != nil {
			s.trace = append(s.trace, name)
		}
		if name == StateWelcome {
			s.conv.Welcomed = true
			s.welcomeAt = len(s.replies) + 1
		}
		if st.SkipIf != nil && st.SkipIf.holds(s.conv.Vars) {
			var err error
			if name, err = s.e.transition(name, evNext); err != nil {
				return err
			}
			continue
		}
		if st.Branch != nil {
			var err error
			if name, err = s.followBranch(name, st.Branch); err != nil {
				return err
			}
			continue
		}
		if err := s.act(st.Action); err != nil {
			return err
		}
		if st.Action != nil && st.Action.GoToFlow != "" {
			name = st.Action.GoToFlow + "." + s.e.c.flows[st.Action.GoToFlow].Start
			continue
		}
		if st.Kind == "answer" {
			if !s.conv.DisclaimerShown {
				if err := s.say(MsgDisclaimer); err != nil {
					return err
				}
			}
			s.conv.LastAnswer = name
			s.conv.Pending = append([]string(nil), st.More...)
		}
		for _, id := range st.Say {
			if err := s.say(id); err != nil {
				return err
			}
		}
		if st.ChoicesFrom != "" {
			delete(s.conv.Vars, listPageVar) // a list starts at its first page
			if err := s.sayDynamic(st); err != nil {
				return err
			}
		}
		if len(st.Choices) > 0 || st.Collect != nil || st.ChoicesFrom != "" {
			s.conv.State = name
			if n := len(s.conv.Back); n == 0 || s.conv.Back[n-1] != name {
				s.conv.Back = append(s.conv.Back, name)
				if len(s.conv.Back) > maxBack {
					s.conv.Back = s.conv.Back[len(s.conv.Back)-maxBack:]
				}
			}
			return nil
		}
		var err error
		if name, err = s.e.transition(name, evNext); err != nil {
			return err
		}
	}
	return fmt.Errorf("flows: more than %d automatic steps from %q (a loop of next)", maxHops, name)
}

// listPageVar holds which page of a long computed choice list is shown
// ("<state>:<page>"), for MORE.
const listPageVar = "_list_page"

// sayDynamic says a computed choice list, numbered. A list longer than
// one SMS can hold with its question (the menu budget: 2 segments in
// GSM-7, 3 in UCS-2) is paged: each page lists what fits, then the
// pinned choices ("not sure"), then "MORE for more choices"; MORE shows
// the next page (after the last, the first again). Numbers stay those of
// the whole list, so any number typed on any page picks its choice; a
// channel with a select menu (Discord) offers the whole list at once.
func (s *stepper) sayDynamic(st *State) error {
	dyn := s.e.reg.choiceSources[st.ChoicesFrom](&s.conv)
	var items, pinned []string
	for i, d := range dyn {
		label, err := s.e.cat.Text(s.conv.Lang, d.Label, s.conv.Vars)
		if err != nil {
			return err
		}
		line := strconv.Itoa(i+1) + ". " + label
		if d.Pinned {
			pinned = append(pinned, line)
		} else {
			items = append(items, line)
		}
	}
	asked := s.replies[max(0, len(s.replies)-len(st.Say)):]
	more, err := s.e.cat.Text(s.conv.Lang, MsgListMore, nil)
	if err != nil {
		return err
	}
	pages := pageList(JoinReplies(asked), items, pinned, more)
	page := 0
	if at, n, ok := strings.Cut(s.conv.Vars[listPageVar], ":"); ok && at == st.name {
		page, _ = strconv.Atoi(n)
		page %= len(pages)
	}
	lines := append(append([]string(nil), pages[page]...), pinned...)
	if len(pages) > 1 {
		s.conv.Vars[listPageVar] = st.name + ":" + strconv.Itoa(page)
		lines = append(lines, more)
	} else {
		delete(s.conv.Vars, listPageVar)
	}
	s.replies = append(s.replies, Reply{ID: st.name + ".choices", Text: strings.Join(lines, "\n")})
	return nil
}

// pageList splits items into pages that each fit in one menu-sized SMS
// with the question, the pinned lines and the "more" line: as many as fit
// on each page, at least one.
func pageList(question string, items, pinned []string, more string) [][]string {
	fits := func(lines []string, paged bool) bool {
		body := append(append([]string(nil), lines...), pinned...)
		if paged {
			body = append(body, more)
		}
		info := locales.MeasureSMS(JoinReplies([]Reply{{Text: question}, {Text: strings.Join(body, "\n")}}))
		return info.Segments <= locales.BudgetMenu.For(info.Encoding)
	}
	if fits(items, false) {
		return [][]string{items}
	}
	var pages [][]string
	for start := 0; start < len(items); {
		end := start + 1
		for end < len(items) && fits(items[start:end+1], true) {
			end++
		}
		pages = append(pages, items[start:end])
		start = end
	}
	return pages
}

// morePage shows the next page of the state's paged choice list; false
// when the state has none.
func (s *stepper) morePage() (bool, error) {
	st, ok := s.e.c.states[s.conv.State]
	if !ok || st.ChoicesFrom == "" {
		return false, nil
	}
	at, n, ok := strings.Cut(s.conv.Vars[listPageVar], ":")
	if !ok || at != st.name {
		return false, nil
	}
	page, _ := strconv.Atoi(n)
	s.conv.Vars[listPageVar] = st.name + ":" + strconv.Itoa(page+1)
	return true, s.reprompt(st)
}

// reprompt repeats what the state asks, briefly for answers.
func (s *stepper) reprompt(st *State) error {
	if st.Kind == "answer" {
		return s.say(MsgAnswerReprompt)
	}
	for _, id := range st.Say {
		if err := s.say(id); err != nil {
			return err
		}
	}
	if st.ChoicesFrom != "" {
		return s.sayDynamic(st)
	}
	return nil
}

func (s *stepper) say(id string) error { return s.sayWith(id, nil) }

func (s *stepper) sayWith(id string, extra map[string]string) error {
	data := s.conv.Vars
	if extra != nil {
		data = maps.Clone(s.conv.Vars)
		maps.Copy(data, extra)
	}
	text, err := s.e.cat.Text(s.conv.Lang, id, data)
	if err != nil {
		return err
	}
	if id == MsgDisclaimer {
		s.conv.DisclaimerShown = true
	}
	s.replies = append(s.replies, Reply{ID: id, Text: text})
	return nil
}

func (s *stepper) prompt() Prompt {
	st, ok := s.e.c.states[s.conv.State]
	if !ok {
		return Prompt{}
	}
	p := Prompt{State: st.name}
	if st.Collect != nil {
		p.Collect = st.Collect.Type
	}
	if len(st.Choices) > 0 {
		p.Choices = make([]PromptChoice, len(st.Choices))
		for i, ch := range st.Choices {
			label := ch.Key
			if ch.Label != "" {
				if t, err := s.e.cat.Text(s.conv.Lang, ch.Label, s.conv.Vars); err == nil {
					label = t
				}
			}
			p.Choices[i] = PromptChoice{Key: ch.Key, Label: label}
		}
	}
	if st.ChoicesFrom != "" {
		for i, d := range s.e.reg.choiceSources[st.ChoicesFrom](&s.conv) {
			label, _ := s.e.cat.Text(s.conv.Lang, d.Label, s.conv.Vars)
			p.Choices = append(p.Choices, PromptChoice{Key: strconv.Itoa(i + 1), Label: label})
		}
	}
	return p
}
