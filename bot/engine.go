package bot

import (
	"io"
	"log/slog"
	"maps"
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/intake/jurisdiction"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// NewEngine builds the conversation engine with every validator, choice
// source and action the flows use. The service and the tests both build
// their engine here, so a transcript test runs exactly what residents get.
func NewEngine(cat *locales.Catalog, idle time.Duration) (*flows.Engine, error) {
	return flows.New(cat, engineOptions(idle, intake.Config{Catalog: cat}))
}

func engineOptions(idle time.Duration, ic intake.Config) flows.Options {
	opts := flows.Options{
		Idle:          idle,
		Validators:    map[string]flows.Validator{},
		ChoiceSources: map[string]flows.ChoiceSource{},
		Actions:       map[string]flows.ActionFunc{},
	}
	for _, ext := range extensions(ic) {
		maps.Copy(opts.Validators, ext.Validators)
		maps.Copy(opts.ChoiceSources, ext.ChoiceSources)
		maps.Copy(opts.Actions, ext.Actions)
	}
	return opts
}

// extensions lists the domain packages' additions to the engine.
func extensions(ic intake.Config) []flows.Options {
	return []flows.Options{
		{Validators: jurisdiction.Validators()}, // content: ZIP/city → jurisdiction (+ zip)
		intake.EngineOptionsWith(ic),            // intake: place, optional answers, traits list, summary, submit_report
	}
}

// Config configures New.
type Config struct {
	// Idle is how long a conversation may rest before it restarts at the
	// menu; 0 means flows.DefaultIdle.
	Idle time.Duration
	Log  *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the randomness for report references; nil is crypto/rand.
	// Transcript tests pass a fixed reader so references repeat.
	Rand io.Reader
}

// New builds the runtime the service runs: the engine with every domain
// extension, and the domain's event handling. cmd/rightsline and the
// transcript tests both call it.
func New(st *store.Store, cat *locales.Catalog, cfg Config) (*Runtime, error) {
	eng, err := flows.New(cat, engineOptions(cfg.Idle, intake.Config{Catalog: cat, Rand: cfg.Rand}))
	if err != nil {
		return nil, err
	}
	reports := intake.NewService(st, cat)
	rt := &Runtime{
		Store: st, Engine: eng, Log: cfg.Log, Now: cfg.Now,
		Events:       reports,                // a filed report is stored in the step's transaction
		Interceptors: []Interceptor{reports}, // STATUS <reference> in any state
	}
	return rt, nil
}
