// Package flows is the conversation engine: flows are data (the YAML files in
// this folder), the words are in locales/, and Step is a pure function from
// (saved conversation, inbound message) to (replies, new conversation,
// events). It never touches the network or the database; the runtime in
// bot/ loads, steps and saves.
package flows

import (
	"embed"
	"fmt"
	"strings"
	"time"

	"github.com/rightsline/rightsline/locales"
)

//go:embed *.yaml
var flowFiles embed.FS

// DefaultIdle is how long a conversation may rest before it starts again at
// the menu.
const DefaultIdle = 72 * time.Hour

// Conversation is the saved state of one person's conversation. The runtime
// stores it as JSON between messages.
type Conversation struct {
	Lang  locales.Lang `json:"lang,omitempty"`
	State string       `json:"state,omitempty"` // "flow.state"; empty before the first message
	// Vars holds collected answers and remembered facts (zip, jurisdiction).
	Vars map[string]string `json:"vars,omitempty"`
	// Back is the stack of interactive states visited, for BACK.
	Back []string `json:"back,omitempty"`
	// LastAnswer is the answer state last shown, for SOURCE.
	LastAnswer string    `json:"last_answer,omitempty"`
	LastActive time.Time `json:"last_active,omitempty"`
	// Pending holds the rest of a long answer, sent on MORE.
	Pending []string `json:"pending,omitempty"`
	// DisclaimerShown is set once the information-not-advice notice was sent.
	DisclaimerShown bool `json:"disclaimer_shown,omitempty"`
	// Suggest holds the two answers offered by "Did you mean: 1 … 2 …",
	// until the next message.
	Suggest []string `json:"suggest,omitempty"`
	// Welcomed is set once the welcome (the service's name) was sent.
	Welcomed bool `json:"welcomed,omitempty"`
	// Turns counts the messages this conversation has handled.
	Turns int `json:"turns"`
	// Draft is an unfinished report kept across an idle restart, until it
	// is continued, discarded or older than DraftLimit.
	Draft *Draft `json:"draft,omitempty"`
	// Return is the state to ask again once a language is chosen
	// (LANGUAGE in the middle of a flow keeps its answers).
	Return string `json:"return,omitempty"`
	// Held is a first message kept while the language menu is answered;
	// it is answered once a language is chosen.
	Held string `json:"held,omitempty"`
}

// Draft is an unfinished conversation in a flow that keeps drafts.
type Draft struct {
	State string            `json:"state"`
	Vars  map[string]string `json:"vars,omitempty"`
	Back  []string          `json:"back,omitempty"`
	// At is when the draft was last worked on.
	At time.Time `json:"at"`
	// Pending is what the resident wrote when they came back, answered in
	// the draft's question if they continue it.
	Pending string `json:"pending,omitempty"`
}

// DraftLimit is how long an unfinished report is kept after its last
// answer. A draft holds a narrative: kept no longer than a resident could
// mean to come back to it (a month), then discarded with a notice.
const DraftLimit = 30 * 24 * time.Hour

// Input is one inbound message: what the person did. At most one of Text,
// Choice, Word and Flow is set; none is an empty message.
type Input struct {
	// Text is what the person typed.
	Text string
	// Choice is the key of a choice of the current state picked from a
	// button or menu (for a dynamic list, its number; for a question that
	// collects an answer, the answer, as yes/no buttons give it).
	Choice string
	// Word is a global word picked from a button: WordMenu, WordBack …
	Word string
	// Flow starts a flow at its start state (/report starts "intake"); a
	// conversation already in it is asked its current question again.
	Flow string
	At   time.Time
}

// Global words, as Input.Word names them.
const (
	WordMenu     = "menu"
	WordBack     = "back"
	WordHelp     = "help"
	WordLanguage = "language"
	WordRestart  = "restart"
	WordSource   = "source"
	WordMore     = "more"
	WordDone     = "done"
)

var wordLists = map[string]string{
	WordMenu: kwMenu, WordBack: kwBack, WordHelp: kwHelp, WordLanguage: kwLanguage,
	WordRestart: kwRestart, WordSource: kwSource, WordMore: kwMore, WordDone: kwDone,
}

// WordList returns the keyword list of a global word: what a person types
// for it.
func WordList(word string) (string, bool) { l, ok := wordLists[word]; return l, ok }

// Reply is one outbound message, rendered in the conversation's language.
type Reply struct {
	ID   string // message ID, for tests and channel-specific rendering
	Text string
}

// PromptChoice is one option the person can pick now, for channels that
// show buttons or menus (Discord).
type PromptChoice struct {
	Key   string
	Label string
}

// Prompt is what the conversation waits for after a step.
type Prompt struct {
	State   string
	Choices []PromptChoice
	// Collect is the collect type ("text", "date", "zip" …) or "".
	Collect string
}

// Event types.
const (
	EventLanguageChanged = "language_changed"
	EventReportSubmitted = "report_submitted"
	EventRestarted       = "restarted"
	EventIdleRestart     = "idle_restart"
)

// Event tells the runtime something happened that it must persist.
type Event struct {
	Type string
	// Vars is a copy of the conversation's variables for report events.
	Vars map[string]string
}

// Result is what one step produces.
type Result struct {
	Replies []Reply
	Conv    Conversation
	Events  []Event
	Prompt  Prompt
}

// Validator checks and normalises a collected value. It returns the value to
// store, or false when the input is not acceptable.
type Validator func(input string, lang locales.Lang, now time.Time, cat *locales.Catalog) (string, bool)

// ChoiceSource computes choices from the conversation, e.g. the protected
// traits of the person's jurisdiction. Labels are message IDs.
type ChoiceSource func(c *Conversation) []DynamicChoice

// DynamicChoice is one computed choice: picking it stores Value in the
// state's collect var (or the source's var).
type DynamicChoice struct {
	Label string // message ID
	Var   string
	Value string
	// Pinned choices ("not sure") are listed on every page of a long
	// list that SMS shows a page at a time.
	Pinned bool
}

// ActionFunc is a named action a state can run. It may change the
// conversation's variables (e.g. set a report reference) and return events.
// It must not do I/O: it runs inside the pure step.
type ActionFunc func(c *Conversation, now time.Time) ([]Event, error)

type registry struct {
	validators    map[string]Validator
	choiceSources map[string]ChoiceSource
	actions       map[string]ActionFunc
}

// Options configure an engine.
type Options struct {
	// Idle is how long a conversation may rest before it restarts at the
	// menu; 0 means DefaultIdle.
	Idle time.Duration
	// Validators, ChoiceSources and Actions extend the built-ins.
	Validators    map[string]Validator
	ChoiceSources map[string]ChoiceSource
	Actions       map[string]ActionFunc
	// Detect guesses the language of a first message; nil uses the
	// catalog's (Catalog.Detect).
	Detect func(text string) (locales.Lang, bool)
	// Offer names the languages to offer with one short question when
	// Detect is not sure; nil uses the catalog's (Catalog.DetectLang).
	Offer func(text string) []locales.Lang
	// Flows replaces the embedded flow files (tests).
	Flows []*Flow
	// Understanding replaces the embedded matcher data (locales/match,
	// locales/examples); tests use it.
	Understanding *locales.Understanding
	// WarmLater keeps New from building the free-text models in the
	// background: the caller calls [Engine.Warm] once it is serving, so
	// that the builders do not compete with the rest of its start-up. A
	// message in a language whose model is not built yet builds it either
	// way.
	WarmLater bool
}

// Engine steps conversations. It is safe for concurrent use.
type Engine struct {
	cat    *locales.Catalog
	c      *compiled
	reg    *registry
	idle   time.Duration
	detect func(string) (locales.Lang, bool)
	offer  func(string) []locales.Lang
	dates  *dateReader
	index  *matchIndex
	// examples are the understanding data's example phrases, for lint's
	// topic-first samples (sent.go).
	examples map[locales.Lang]*locales.Examples
}

// LoadFlows parses the embedded flow files.
func LoadFlows() ([]*Flow, error) { return ParseFlows(flowFiles) }

// New compiles the flows (the embedded ones unless opts.Flows is set) into
// state machines. A broken flow stops here with the file, line and reason.
func New(cat *locales.Catalog, opts Options) (*Engine, error) {
	defs := opts.Flows
	if defs == nil {
		var err error
		if defs, err = LoadFlows(); err != nil {
			return nil, err
		}
	}
	reg := &registry{validators: builtinValidators(), choiceSources: map[string]ChoiceSource{}, actions: map[string]ActionFunc{}}
	for k, v := range opts.Validators {
		reg.validators[k] = v
	}
	for k, v := range opts.ChoiceSources {
		reg.choiceSources[k] = v
	}
	for k, v := range opts.Actions {
		reg.actions[k] = v
	}
	if err := expandLanguageMenus(defs, cat); err != nil {
		return nil, err
	}
	c, err := compile(defs, cat, reg)
	if err != nil {
		return nil, err
	}
	e := &Engine{cat: cat, c: c, reg: reg, idle: opts.Idle, detect: opts.Detect, offer: opts.Offer}
	if e.offer == nil {
		e.offer = func(text string) []locales.Lang { return cat.DetectLang(text).Offer }
	}
	if e.idle == 0 {
		e.idle = DefaultIdle
	}
	if e.detect == nil {
		e.detect = cat.Detect
	}
	u := opts.Understanding
	if u == nil {
		if u, err = locales.LoadUnderstanding(); err != nil {
			return nil, err
		}
	}
	if e.index, err = buildIndex(cat, c, u); err != nil {
		return nil, err
	}
	e.dates = newDateReader(u, cat)
	e.examples = u.Examples
	// The free-text models (tens of milliseconds) are built in the
	// background, so that the service answers its health checks at once;
	// a message in a language whose model is not built yet builds it, or
	// waits for it (topic.go).
	if !opts.WarmLater {
		e.Warm()
	}
	return e, nil
}

// Warm starts building the free-text models in the background, the source
// language first (New does unless Options.WarmLater). Calling it again
// builds nothing twice.
func (e *Engine) Warm() { e.index.topics.warm(e.cat.Langs()) }

// WarmNow builds every free-text model now and returns once they are
// built (those Warm is building meanwhile are waited for, not built
// twice), so that what follows, a benchmark's timed loop, does not pay for
// them.
func (e *Engine) WarmNow() {
	for _, l := range e.cat.Langs() {
		e.index.topics.model(l)
	}
}

// Catalog returns the engine's message catalog.
func (e *Engine) Catalog() *locales.Catalog { return e.cat }

// States lists every state name ("flow.state"), sorted.
func (e *Engine) States() []string { return e.c.names }

// State returns a state's definition.
func (e *Engine) State(name string) (*State, bool) { st, ok := e.c.states[name]; return st, ok }

// transition moves from state src by event ev: a lookup in the compiled
// transition table (see flows/README.md for why the step does not run a
// looplab/fsm machine). It returns the destination.
func (e *Engine) transition(src, ev string) (string, error) {
	if dst, ok := e.c.next[edge{src, ev}]; ok {
		return dst, nil
	}
	if _, ok := e.c.states[src]; !ok {
		return "", fmt.Errorf("flows: unknown state %q", src)
	}
	return "", fmt.Errorf("flows: %s --%s-->: no such transition", src, ev)
}

// maxInput bounds what one message may carry into the engine.
const maxInput = 4000

// Step advances conv by one inbound message. It takes ownership of conv's
// maps and slices. Errors are internal (a broken catalog); bad input is
// answered, never an error.
func (e *Engine) Step(conv Conversation, in Input) (Result, error) {
	s := stepper{e: e, conv: conv, now: in.At}
	if s.conv.Vars == nil {
		s.conv.Vars = map[string]string{}
	}
	// The runtime cleans and caps every message before it is stored; the
	// engine does it again for callers that step it directly.
	in.Text = strings.TrimSpace(locales.Truncate(locales.Clean(in.Text), maxInput, locales.Runes))
	err := s.run(in)
	s.conv.LastActive = in.At
	s.conv.Turns++
	if err != nil {
		return Result{}, err
	}
	return Result{Replies: s.replies, Conv: s.conv, Events: s.events, Prompt: s.prompt()}, nil
}

// Prompt is what conv waits for now, without stepping it: what a channel
// shows (buttons, a form) for a saved conversation.
func (e *Engine) Prompt(conv Conversation) Prompt {
	s := stepper{e: e, conv: conv}
	return s.prompt()
}
