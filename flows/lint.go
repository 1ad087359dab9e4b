package flows

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rightsline/rightsline/locales"
)

// MaxLabel is the longest button label Discord accepts.
const MaxLabel = 80

// validatorLists are the keyword lists the built-in validators and the
// greeting check read.
var validatorLists = []string{"kw.greeting", "kw.yes", "kw.no", "kw.date.unknown", "kw.date.today", "kw.date.yesterday", "kw.date.last_week"}

// Lint checks the compiled flows together with their catalog and returns
// every problem found, sorted by file; lint fails if locales.Errors of the
// result is not zero. It runs the catalog's own checks
// (locales.Lint) and adds those that need the flows:
//
//   - reachable: every state can be reached from main.welcome by choices,
//     next, branch and go_to_flow; main.menu and main.language (the MENU and
//     LANGUAGE words) and states with a topic (free text) are reachable
//     from anywhere.
//   - a way back: MENU works in every state, but a person who does not know
//     the word must still find a way; so every state must lead to
//     main.menu by its own choices, next, branch or go_to_flow, directly or
//     through states that do. BACK and global words do not count.
//   - the messages the engine sends itself and the keyword lists it reads
//     exist (in English; locales.Lint then finds them in every language).
//   - budgets: what menu and prompt states say, collect's invalid message
//     and the engine's own messages fit the menu budget (2 segments in
//     GSM-7, 3 in UCS-2); what answer states say, their MORE parts and
//     their sources, the answer budget (4 and 6). Messages the flows do not
//     send (Discord's, the console's, computed choice labels) have no SMS
//     budget here; keyword lists are never sent.
//   - every answer has a source and a reviewed date (YYYY-MM-DD), which
//     SOURCE sends.
//   - choice labels are at most MaxLabel characters (Discord's limit).
//   - no word means two different global words (in any two languages).
//   - warning: a word the engine's own messages ask people to send works in
//     every state (see lintReplyWords).
func Lint(e *Engine) []locales.Problem { return LintWith(e, LintOptions{}) }

// LintOptions add to what Lint checks.
type LintOptions struct {
	// Samples are the conversation variables the SMS actually sent are
	// rendered with (intake.LintSamples: every place, category and kind of
	// incident date). Nil leaves the check of what is sent out (flows
	// whose registered actions are stood in for cannot render it); a
	// list with one empty Sample renders each state with no variables.
	Samples []Sample
	// Now is the clock the registered actions see (a deadline is computed
	// from it); zero is time.Now.
	Now time.Time
}

// LintWith is Lint with the samples of what is sent: besides every
// message on its own, every SMS the flows send (Engine.LintSent: the
// replies of one step joined as the runtime joins them, with choice
// lists as rendered) is held to its budget.
func LintWith(e *Engine, opts LintOptions) []locales.Problem {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	cat := e.cat
	menuIDs, answerIDs, labels := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var ps []locales.Problem
	for _, id := range EngineMessages {
		menuIDs[id] = true
	}
	for _, id := range append(append(append([]string{}, EngineMessages...), GlobalKeywordLists...), validatorLists...) {
		if !cat.Has(id) {
			ps = append(ps, locales.Problem{File: "locales/en.toml", Lang: locales.Source, ID: id, Check: locales.CheckMissing,
				Msg: "the engine uses this message, but it is not in the English catalog"})
		}
	}
	for _, name := range e.c.names {
		st := e.c.states[name]
		if st.Kind == "answer" {
			ps = append(ps, lintCitation(st)...)
			for _, id := range append(append([]string{st.Source}, st.Say...), st.More...) {
				answerIDs[id] = true
			}
		} else {
			for _, id := range st.Say {
				menuIDs[id] = true
			}
		}
		if st.Collect != nil && st.Collect.Invalid != "" {
			menuIDs[st.Collect.Invalid] = true
		}
		for _, ch := range st.Choices {
			if ch.Label != "" && !labels[ch.Label] {
				labels[ch.Label] = true // one report per label, not per use
				ps = append(ps, lintLabel(cat, st, ch)...)
			}
		}
	}
	ps = append(ps, e.lintGraph()...)
	ps = append(ps, locales.Lint(cat)...)
	// A message said both in a menu and in an answer is held to the
	// tighter menu budget, and reported once.
	for id := range menuIDs {
		delete(answerIDs, id)
	}
	ps = append(ps, cat.LintBudget(known(cat, menuIDs), locales.BudgetMenu)...)
	ps = append(ps, cat.LintBudget(known(cat, answerIDs), locales.BudgetAnswer)...)
	ps = append(ps, lintGlobalClashes(cat)...)
	ps = append(ps, e.lintReplyWords()...)
	if opts.Samples != nil {
		ps = append(ps, e.LintSent(opts.Samples, opts.Now)...)
	}
	locales.SortProblems(ps)
	return ps
}

// lintCitation checks that an answer can say where it comes from and when
// it was last checked, as SOURCE promises.
func lintCitation(st *State) []locales.Problem {
	var ps []locales.Problem
	if st.Source == "" {
		ps = append(ps, locales.Problem{File: st.file, Line: st.line, ID: st.name, Check: locales.CheckAnswerCite,
			Msg: "an answer needs source: (the message citing the law or agency it comes from)"})
	}
	if _, err := time.Parse(time.DateOnly, st.Reviewed); err != nil {
		ps = append(ps, locales.Problem{File: st.file, Line: st.line, ID: st.name, Check: locales.CheckAnswerCite,
			Msg: fmt.Sprintf("reviewed is %q: an answer needs the date it was last checked, as YYYY-MM-DD", st.Reviewed)})
	}
	return ps
}

// known lists the IDs of set that exist in English, sorted.
func known(cat *locales.Catalog, set map[string]bool) []string {
	ids := make([]string, 0, len(set))
	for id := range set {
		if id != "" && cat.Has(id) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

func lintLabel(cat *locales.Catalog, st *State, ch Choice) []locales.Problem {
	var ps []locales.Problem
	for _, l := range cat.Langs() {
		m, ok := cat.Lookup(l, ch.Label)
		if !ok {
			continue // reported as missing by locales.Lint
		}
		if n := locales.Runes(m.Text); n > MaxLabel {
			ps = append(ps, locales.Problem{File: "locales/" + m.File, Lang: l, ID: ch.Label, Check: locales.CheckLabel,
				Msg: fmt.Sprintf("button label of %s choice %s is %d characters; Discord allows %d", st.name, ch.Key, n, MaxLabel)})
		}
	}
	return ps
}

// edges lists where a state can go by itself, by a branch or by a choice:
// what the person can follow without knowing any global word.
func (e *Engine) edges(st *State) []string {
	var out []string
	if st.Action != nil && st.Action.GoToFlow != "" {
		if f, ok := e.c.flows[st.Action.GoToFlow]; ok {
			out = append(out, f.ID+"."+f.Start)
		}
	}
	for _, ch := range st.Choices {
		if ch.Go != "" {
			out = append(out, ch.Go)
		}
	}
	if st.Next != "" {
		out = append(out, st.Next)
	}
	if b := st.Branch; b != nil {
		flowID := st.name[:strings.IndexByte(st.name, '.')]
		for _, target := range append(slices.Sorted(maps.Values(b.Cases)), b.Default) {
			if full, ok := e.c.resolve(flowID, target); ok {
				out = append(out, full)
			}
		}
	}
	return out
}

// lintGraph finds states no one can reach and states with no way back to
// the menu but the MENU word.
func (e *Engine) lintGraph() []locales.Problem {
	reach := map[string]bool{}
	var queue []string
	push := func(n string) {
		if _, ok := e.c.states[n]; ok && !reach[n] {
			reach[n] = true
			queue = append(queue, n)
		}
	}
	push(StateWelcome)
	push(StateMenu)
	push(StateLanguage)
	push(StateDraft) // the engine offers a kept draft after an idle restart
	for _, name := range e.c.names {
		// The engine enters the first-message language questions itself.
		if strings.HasPrefix(name, StateLanguageVariants) || strings.HasPrefix(name, StateLanguageOffer) {
			push(name)
		}
		if e.c.states[name].Topic != "" {
			push(name)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, to := range e.edges(e.c.states[n]) {
			push(to)
		}
	}
	// Walk the edges backwards from the menu.
	into := map[string][]string{}
	for _, name := range e.c.names {
		for _, to := range e.edges(e.c.states[name]) {
			into[to] = append(into[to], name)
		}
	}
	back := map[string]bool{StateMenu: true}
	queue = append(queue[:0], StateMenu)
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, from := range into[n] {
			if !back[from] {
				back[from] = true
				queue = append(queue, from)
			}
		}
	}
	var ps []locales.Problem
	for _, name := range e.c.names {
		st := e.c.states[name]
		if !reach[name] {
			ps = append(ps, locales.Problem{File: st.file, Line: st.line, ID: name, Check: locales.CheckUnreachable,
				Msg: "no choice, next or go_to_flow leads here from main.welcome, and it has no topic: link it from a menu or remove it"})
		}
		if !back[name] {
			ps = append(ps, locales.Problem{File: st.file, Line: st.line, ID: name, Check: locales.CheckNoWayBack,
				Msg: fmt.Sprintf("no choice or next leads back to %s, directly or through other states; only the MENU word would: add a choice back (e.g. {key: \"0\", go: %s}) or a next", StateMenu, StateMenu)})
		}
	}
	return ps
}

// lintGlobalClashes finds a word that is in two different global lists,
// in the same or different languages: the engine matches global words in
// every language at once, so only one of the meanings would ever work.
func lintGlobalClashes(cat *locales.Catalog) []locales.Problem {
	type use struct {
		list string
		lang locales.Lang
	}
	first := map[string]use{}
	var ps []locales.Problem
	for _, l := range cat.Langs() {
		for _, list := range GlobalKeywordLists {
			for _, w := range cat.Keywords(l, list) {
				u, seen := first[w]
				if !seen {
					first[w] = use{list, l}
					continue
				}
				if u.list != list {
					file := "locales/en.toml"
					if m, ok := cat.Lookup(l, list); ok {
						file = "locales/" + m.File
					}
					ps = append(ps, locales.Problem{File: file, Lang: l, ID: list, Check: locales.CheckKeywordDup,
						Msg: fmt.Sprintf("%q is also in %s (%s); it can only mean one global word", w, u.list, strings.TrimSpace(string(u.lang)))})
				}
			}
		}
	}
	return ps
}
