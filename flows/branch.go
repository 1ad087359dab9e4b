package flows

import (
	"fmt"
	"sort"

	"github.com/looplab/fsm"
)

// Branch routes by the value of a conversation variable, so one flow can
// give the answer for the resident's own jurisdiction:
//
//	local:
//	  branch:
//	    var: jurisdiction
//	    cases: {dc: local_dc, eugene-or: local_eugene}
//	    default: local_federal
//
// A branching state only routes: it says nothing and waits for nothing.
type Branch struct {
	Var     string            `yaml:"var"`
	Cases   map[string]string `yaml:"cases"`
	Default string            `yaml:"default"`
}

// evBranchPrefix starts the state-machine events of a branch: one event
// per case value ("branch:=dc") and one for the default ("branch:*").
const evBranchPrefix = "branch:"

const evBranchDefault = evBranchPrefix + "*"

func branchEvent(value string) string { return evBranchPrefix + "=" + value }

// event names the transition a branch takes for the conversation's vars.
func (b *Branch) event(vars map[string]string) string {
	v := vars[b.Var]
	if _, ok := b.Cases[v]; ok {
		return branchEvent(v)
	}
	return evBranchDefault
}

// compileBranch checks a branching state and adds its transitions. Targets
// are resolved like choice targets ("state" or "flow.state").
func (c *compiled) compileBranch(st *State, flowID string, fail func(string, int, string, ...any)) {
	b := st.Branch
	name := st.name
	if b.Var == "" || b.Default == "" {
		fail(st.file, st.line, "state %s: branch needs var and default", name)
		return
	}
	if len(st.Say) > 0 || len(st.Choices) > 0 || st.Collect != nil || st.ChoicesFrom != "" || st.Next != "" || st.Kind == "answer" {
		fail(st.file, st.line, "state %s: a branch only routes; it cannot say, offer choices, collect, answer or have next", name)
		return
	}
	values := make([]string, 0, len(b.Cases))
	for v := range b.Cases {
		values = append(values, v)
	}
	sort.Strings(values)
	add := func(ev, target string) {
		full, ok := c.resolve(flowID, target)
		if !ok {
			fail(st.file, st.line, "state %s: branch goes to %q, which does not exist", name, target)
			return
		}
		c.events = append(c.events, fsm.EventDesc{Name: ev, Src: []string{name}, Dst: full})
	}
	for _, v := range values {
		if v == "" {
			fail(st.file, st.line, "state %s: branch case for the empty value; use default", name)
			continue
		}
		add(branchEvent(v), b.Cases[v])
	}
	add(evBranchDefault, b.Default)
}

// checkAlso checks that a collect's extra variables name known validators.
func checkAlso(st *State, reg *registry, fail func(string, int, string, ...any)) {
	if st.Collect == nil {
		return
	}
	for v, typ := range st.Collect.Also {
		if _, ok := reg.validators[typ]; !ok {
			fail(st.file, st.line, "state %s: also %s: unknown validator %q", st.name, v, typ)
		}
		if v == st.Collect.Var {
			fail(st.file, st.line, "state %s: also %s overwrites the collected var", st.name, v)
		}
	}
}

// collectAlso stores the extra variables a collect derives from the same
// answer, clearing those the answer does not carry.
func (s *stepper) collectAlso(c *Collect, text string) {
	for v, typ := range c.Also {
		if val, ok := s.e.reg.validators[typ](text, s.conv.Lang, s.now, s.e.cat); ok {
			s.conv.Vars[v] = val
		} else {
			delete(s.conv.Vars, v)
		}
	}
}

// followBranch returns the state a branching state routes to now.
func (s *stepper) followBranch(name string, b *Branch) (string, error) {
	dst, err := s.e.transition(name, b.event(s.conv.Vars))
	if err != nil {
		return "", fmt.Errorf("flows: branch %s: %w", name, err)
	}
	return dst, nil
}
