package flows

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// A Flow is one conversation flow as written in a YAML file in this folder.
// Flows name message IDs; the words live in locales/.
type Flow struct {
	ID     string            `yaml:"flow"`
	Start  string            `yaml:"start"`
	States map[string]*State `yaml:"states"`
	// Draft keeps an unfinished conversation in this flow (a report) when
	// it rests past the idle timeout: the next message offers it back
	// (StateDraft) instead of losing the answers. Drafts older than
	// DraftLimit are discarded with a notice.
	Draft bool `yaml:"draft"`
	// NotUnderstood replaces common.not_understood in this flow's states
	// (a report must not suggest "REPORT to file a report").
	NotUnderstood string `yaml:"not_understood"`

	file string
}

// State is one step of a flow. A state says its messages and then either
// offers choices, collects a value, or moves on to Next by itself.
type State struct {
	// Kind sets the SMS segment budget of what the state says: "menu"
	// (2 segments GSM-7, 3 UCS-2), "answer" (4 and 6) or "prompt" (the
	// default, as a menu).
	Kind string `yaml:"kind"`
	// Say lists message IDs sent on entering the state.
	Say []string `yaml:"say"`
	// Choices are numbered options; each may also be chosen by keyword.
	Choices []Choice `yaml:"choices"`
	// ChoicesFrom names a choice source registered with the engine, for
	// choices computed from the conversation (a jurisdiction's traits).
	ChoicesFrom string `yaml:"choices_from"`
	// Collect asks for a value and validates it.
	Collect *Collect `yaml:"collect"`
	// Action runs on entering the state, before Say is rendered.
	Action *Action `yaml:"action"`
	// Next is where the state goes after Collect succeeds, or at once when
	// the state has neither choices nor collect.
	Next string `yaml:"next"`
	// SkipIf skips the state (straight to Next) when a variable has one of
	// the listed values, or is empty when the list is empty, or has any
	// value when known is true.
	SkipIf *Condition `yaml:"skip_if"`
	// Topic names a keyword list; free text matching it jumps here from
	// anywhere, in any flow.
	Topic string `yaml:"topic"`
	// More lists the rest of a long answer, sent one at a time on MORE.
	More []string `yaml:"more"`
	// Source names the message citing the answer's source, sent on SOURCE.
	Source string `yaml:"source"`
	// Reviewed is the date (YYYY-MM-DD) the answer was last checked.
	Reviewed string `yaml:"reviewed"`
	// Branch sends the conversation on by the value of a variable (the
	// resident's jurisdiction); see branch.go.
	Branch *Branch `yaml:"branch"`

	name string // "flow.state"
	line int
	file string
}

// Choice is one numbered option.
type Choice struct {
	Key      string            `yaml:"key"`
	Label    string            `yaml:"label"`
	Keywords string            `yaml:"keywords"`
	Go       string            `yaml:"go"`
	Set      map[string]string `yaml:"set"`
	Action   *Action           `yaml:"action"`

	line int
}

// Collect describes a value the state collects.
type Collect struct {
	Var string `yaml:"var"`
	// Type names a validator: text, yesno, date, zip, phone, or one
	// registered with the engine.
	Type string `yaml:"type"`
	// Max is the maximum length in characters for text.
	Max int `yaml:"max"`
	// Invalid is the message sent when the input does not validate.
	Invalid string `yaml:"invalid"`
	// Append collects text over several messages until the person sends a
	// word from the kw.done list.
	Append bool `yaml:"append"`
	// Also stores more variables from the same answer: var name to
	// validator name. A variable whose validator refuses the answer is
	// cleared (a ZIP beside the jurisdiction, absent when a city was named).
	Also map[string]string `yaml:"also"`
}

// Action is something a state does besides talking.
type Action struct {
	SetLanguage  string `yaml:"set_language"`
	SubmitReport bool   `yaml:"submit_report"`
	GoToFlow     string `yaml:"go_to_flow"`
	// Run names an action registered with the engine.
	Run string `yaml:"run"`
	// ResumeDraft returns to the kept draft (StateDraft's "continue"):
	// its answers back, its question asked again.
	ResumeDraft bool `yaml:"resume_draft"`
	// DiscardDraft forgets the kept draft.
	DiscardDraft bool `yaml:"discard_draft"`
}

// Condition tests a conversation variable.
type Condition struct {
	Var string   `yaml:"var"`
	In  []string `yaml:"in"`
	// Known holds when the variable has any value (a place already given).
	Known bool `yaml:"known"`
}

func (c *Condition) holds(vars map[string]string) bool {
	v := vars[c.Var]
	if c.Known {
		return v != ""
	}
	if len(c.In) == 0 {
		return v == ""
	}
	for _, w := range c.In {
		if w == v {
			return true
		}
	}
	return false
}

// DefinitionError locates a problem in a flow file.
type DefinitionError struct {
	File string
	Line int
	Msg  string
}

func (e *DefinitionError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// ParseFlows reads every *.yaml file in fsys.
func ParseFlows(fsys fs.FS) ([]*Flow, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	// The files are parsed at once, each on its own goroutine (YAML
	// decoding is most of compiling the flows at start-up); the first
	// error in name order is returned.
	out := make([]*Flow, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			buf, err := fs.ReadFile(fsys, name)
			if err == nil {
				out[i], err = ParseFlow(path.Join("flows", name), buf)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ParseFlow decodes one flow file, keeping line numbers for errors.
func ParseFlow(file string, buf []byte) (*Flow, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(buf, &doc); err != nil {
		return nil, &DefinitionError{File: file, Msg: err.Error()}
	}
	var f Flow
	dec := yaml.NewDecoder(strings.NewReader(string(buf)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		line, msg := yamlErrorLine(err)
		return nil, &DefinitionError{File: file, Line: line, Msg: msg}
	}
	f.file = file
	if f.ID == "" {
		return nil, &DefinitionError{File: file, Line: 1, Msg: "missing `flow:` (the flow's name)"}
	}
	// Recover line numbers for states and choices.
	lines := stateLines(&doc)
	for name, st := range f.States {
		if st == nil {
			return nil, &DefinitionError{File: file, Line: lines[name].line, Msg: fmt.Sprintf("state %q is empty", name)}
		}
		st.name = f.ID + "." + name
		st.file = file
		st.line = lines[name].line
		for i := range st.Choices {
			if i < len(lines[name].choices) {
				st.Choices[i].line = lines[name].choices[i]
			}
		}
	}
	return &f, nil
}

// yamlErrorLine takes the first problem out of a yaml.v3 error, which
// reads "yaml: unmarshal errors:\n  line 6: field bogus not found in type
// flows.State", as (6, "field bogus not found in type flows.State").
func yamlErrorLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimSpace(strings.TrimPrefix(msg, "unmarshal errors:"))
	if first, _, ok := strings.Cut(msg, "\n"); ok {
		msg = strings.TrimSpace(first)
	}
	var line int
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if _, err := fmt.Sscanf(n, "%d", &line); err == nil {
				msg = after
			}
		}
	}
	return line, msg
}

type nodeLines struct {
	line    int
	choices []int
}

func stateLines(doc *yaml.Node) map[string]nodeLines {
	out := map[string]nodeLines{}
	if len(doc.Content) == 0 {
		return out
	}
	root := doc.Content[0]
	states := mapValue(root, "states")
	if states == nil || states.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(states.Content); i += 2 {
		k, v := states.Content[i], states.Content[i+1]
		nl := nodeLines{line: k.Line}
		if ch := mapValue(v, "choices"); ch != nil {
			for _, c := range ch.Content {
				nl.choices = append(nl.choices, c.Line)
			}
		}
		out[k.Value] = nl
	}
	return out
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
