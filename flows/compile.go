package flows

import (
	"fmt"
	"sort"
	"strings"

	"github.com/looplab/fsm"

	"github.com/rightsline/rightsline/locales"
)

// Well-known states every flow set must have.
const (
	StateMenu     = "main.menu"     // MENU goes here
	StateLanguage = "main.language" // LANGUAGE goes here
	StateWelcome  = "main.welcome"  // a new conversation starts here
	// StateDraft offers back a draft kept across an idle restart
	// (Flow.Draft); required when a flow keeps drafts.
	StateDraft = "main.draft"
)

// Optional states that ask the language of a first message in one short
// question, when detection points to languages without deciding.
const (
	StateLanguageVariants = "main.lang_variants_" // + a variant_of group: which script? (languages.go)
	StateLanguageOffer    = "main.lang_offer_"    // + language code: that language?
)

// event names in the compiled state machine.
const (
	evNext = "next"
	// choice events are "choose:" + key.
	evChoosePrefix = "choose:"
)

// compiled is the engine's read-only form of the flow files.
type compiled struct {
	states map[string]*State
	flows  map[string]*Flow
	// events lists every transition as looplab/fsm describes one: the
	// source of the step's table (next) and of the diagrams (Diagram).
	events fsm.Events
	// next is the transition table the step reads: the destination of an
	// event from a state. Read-only after compile, so any number of steps
	// read it at once without a lock.
	next map[edge]string
	// names lists every state, sorted, for lint and tests.
	names []string
	cat   *locales.Catalog
}

// compile checks and links the flows: every target exists, every message
// ID exists in the catalog, every validator, choice source and action is
// known. Errors carry the file and line.
func compile(flowsIn []*Flow, cat *locales.Catalog, reg *registry) (*compiled, error) {
	c := &compiled{states: map[string]*State{}, flows: map[string]*Flow{}}
	var errs []error
	fail := func(file string, line int, format string, args ...any) {
		errs = append(errs, &DefinitionError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	for _, f := range flowsIn {
		if prev, dup := c.flows[f.ID]; dup {
			fail(f.file, 1, "flow %q is also defined in %s", f.ID, prev.file)
			continue
		}
		c.flows[f.ID] = f
		if f.NotUnderstood != "" && !cat.Has(f.NotUnderstood) {
			fail(f.file, 1, "not_understood: message %q is not in locales/en.toml", f.NotUnderstood)
		}
		if _, ok := f.States[f.Start]; !ok {
			fail(f.file, 1, "start state %q does not exist", f.Start)
		}
		for _, st := range f.States {
			c.states[st.name] = st
		}
	}
	for name := range c.states {
		c.names = append(c.names, name)
	}
	sort.Strings(c.names)
	for _, must := range []string{StateMenu, StateLanguage, StateWelcome} {
		if _, ok := c.states[must]; !ok {
			errs = append(errs, fmt.Errorf("flows: the state %q is required", must))
		}
	}
	c.cat = cat
	for _, f := range flowsIn {
		if _, ok := c.states[StateDraft]; f.Draft && !ok {
			fail(f.file, 1, "flow %s keeps drafts, so the state %q is required", f.ID, StateDraft)
		}
	}
	checkMsg := func(st *State, line int, id, what string) {
		if id != "" && !cat.Has(id) {
			fail(st.file, line, "%s: message %q is not in locales/en.toml", what, id)
		}
	}
	for _, name := range c.names {
		st := c.states[name]
		flowID := name[:strings.IndexByte(name, '.')]
		switch st.Kind {
		case "", "menu", "answer", "prompt":
		default:
			fail(st.file, st.line, "state %s: kind %q is not menu, answer or prompt", name, st.Kind)
		}
		for _, id := range st.Say {
			checkMsg(st, st.line, id, "state "+name+" says")
		}
		for _, id := range st.More {
			checkMsg(st, st.line, id, "state "+name+" more")
		}
		checkMsg(st, st.line, st.Source, "state "+name+" source")
		checkMsg(st, st.line, st.Topic, "state "+name+" topic")
		if st.Next != "" {
			full, ok := c.resolve(flowID, st.Next)
			if !ok {
				fail(st.file, st.line, "state %s: next %q does not exist", name, st.Next)
			} else {
				st.Next = full
				c.events = append(c.events, fsm.EventDesc{Name: evNext, Src: []string{name}, Dst: full})
			}
		}
		interactive := len(st.Choices) > 0 || st.Collect != nil || st.ChoicesFrom != ""
		if st.Branch != nil {
			c.compileBranch(st, flowID, fail)
		}
		checkAlso(st, reg, fail)
		if !interactive && st.Next == "" && st.Branch == nil {
			fail(st.file, st.line, "state %s is a dead end: give it choices, collect or next", name)
		}
		if st.Collect != nil {
			if st.Next == "" {
				fail(st.file, st.line, "state %s collects %q but has no next", name, st.Collect.Var)
			}
			if st.Collect.Var == "" {
				fail(st.file, st.line, "state %s: collect needs var", name)
			}
			if _, ok := reg.validators[st.Collect.Type]; !ok {
				fail(st.file, st.line, "state %s: unknown collect type %q", name, st.Collect.Type)
			}
			checkMsg(st, st.line, st.Collect.Invalid, "state "+name+" invalid")
		}
		if st.ChoicesFrom != "" {
			if _, ok := reg.choiceSources[st.ChoicesFrom]; !ok {
				fail(st.file, st.line, "state %s: unknown choices_from %q", name, st.ChoicesFrom)
			}
			if st.Next == "" {
				fail(st.file, st.line, "state %s: choices_from needs next", name)
			}
		}
		if st.SkipIf != nil && st.Next == "" {
			fail(st.file, st.line, "state %s: skip_if needs next", name)
		}
		checkAction(st.Action, st, st.line, name, reg, c, fail)
		seen := map[string]bool{}
		for i := range st.Choices {
			ch := &st.Choices[i]
			if ch.Key == "" {
				fail(st.file, ch.line, "state %s: choice without key", name)
			}
			if seen[ch.Key] {
				fail(st.file, ch.line, "state %s: choice key %q used twice", name, ch.Key)
			}
			seen[ch.Key] = true
			checkMsg(st, ch.line, ch.Label, "choice label")
			checkMsg(st, ch.line, ch.Keywords, "choice keywords")
			checkAction(ch.Action, st, ch.line, name, reg, c, fail)
			target := ch.Go
			if target == "" && ch.Action != nil && ch.Action.GoToFlow != "" {
				target = ch.Action.GoToFlow + "." + c.flows[ch.Action.GoToFlow].startOr()
			}
			if target == "" {
				fail(st.file, ch.line, "state %s: choice %s goes nowhere (set go)", name, ch.Key)
				continue
			}
			full, ok := c.resolve(flowID, target)
			if !ok {
				fail(st.file, ch.line, "state %s: choice %s goes to %q, which does not exist", name, ch.Key, target)
				continue
			}
			ch.Go = full
			c.events = append(c.events, fsm.EventDesc{Name: evChoosePrefix + ch.Key, Src: []string{name}, Dst: full})
		}
	}
	if len(errs) > 0 {
		return nil, joinErrors(errs)
	}
	c.next = make(map[edge]string, len(c.events))
	for _, ev := range c.events {
		for _, src := range ev.Src {
			c.next[edge{src, ev.Name}] = ev.Dst
		}
	}
	return c, nil
}

// edge is one entry of the transition table: an event from a state.
type edge struct{ src, event string }

func (f *Flow) startOr() string {
	if f == nil {
		return ""
	}
	return f.Start
}

func checkAction(a *Action, st *State, line int, name string, reg *registry, c *compiled, fail func(string, int, string, ...any)) {
	if a == nil {
		return
	}
	if a.SetLanguage != "" {
		if _, ok := c.cat.ParseLang(a.SetLanguage); !ok {
			fail(st.file, line, "state %s: set_language %q is not a supported language", name, a.SetLanguage)
		}
	}
	if a.GoToFlow != "" {
		if _, ok := c.flows[a.GoToFlow]; !ok {
			fail(st.file, line, "state %s: go_to_flow %q: no such flow", name, a.GoToFlow)
		}
	}
	if a.Run != "" {
		if _, ok := reg.actions[a.Run]; !ok {
			fail(st.file, line, "state %s: unknown action %q", name, a.Run)
		}
	}
}

// resolve turns "state" (in flowID) or "flow.state" into a full name.
func (c *compiled) resolve(flowID, target string) (string, bool) {
	full := target
	if !strings.Contains(target, ".") {
		full = flowID + "." + target
	}
	_, ok := c.states[full]
	return full, ok
}

type multiError []error

func (m multiError) Error() string {
	parts := make([]string, len(m))
	for i, e := range m {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

func joinErrors(errs []error) error {
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return multiError(errs)
}
