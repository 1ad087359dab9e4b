package bot

import (
	"context"
	"log/slog"
	"maps"
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Extension is one domain package's additions to the runtime: the
// validators, choice sources and actions its flows name, the handler that
// persists its events, and interceptors that work in every state.
// intake.Extension is the one the service runs; cmd/rightsline wires it.
type Extension struct {
	Engine       flows.Options
	Events       EventHandler
	Interceptors []Interceptor
	// MediaFlow names the flow (intake's "intake") told, before each
	// step, how many attachments its report holds (flows.VarMediaCount),
	// and started by a command (/report) with attachments kept.
	MediaFlow string
}

// NewEngine builds the conversation engine with every extension's
// validators, choice sources and actions. The service and the tests both
// build their engine here, so a transcript test runs exactly what
// residents get.
func NewEngine(cat *locales.Catalog, idle time.Duration, exts ...Extension) (*flows.Engine, error) {
	return newEngine(cat, idle, false, exts)
}

func newEngine(cat *locales.Catalog, idle time.Duration, warmLater bool, exts []Extension) (*flows.Engine, error) {
	opts := flows.Options{
		WarmLater:     warmLater,
		Idle:          idle,
		Validators:    map[string]flows.Validator{},
		ChoiceSources: map[string]flows.ChoiceSource{},
		Actions:       map[string]flows.ActionFunc{},
	}
	for _, ext := range exts {
		maps.Copy(opts.Validators, ext.Engine.Validators)
		maps.Copy(opts.ChoiceSources, ext.Engine.ChoiceSources)
		maps.Copy(opts.Actions, ext.Engine.Actions)
	}
	return flows.New(cat, opts)
}

// Config configures New.
type Config struct {
	// Idle is how long a conversation may rest before it restarts at the
	// menu; 0 means flows.DefaultIdle.
	Idle time.Duration
	Log  *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Extensions are the domain packages' additions (intake.Extension).
	Extensions []Extension
	// MaxMediaPerReport: see Runtime.MaxMediaPerReport.
	MaxMediaPerReport int
	// WarmLater: see flows.Options.WarmLater (serve warms the engine
	// once it listens).
	WarmLater bool
}

// New builds the runtime: the engine with every extension, their event
// handlers and their interceptors. cmd/rightsline and the tests both call
// it; channels then Register themselves.
func New(st *store.Store, cat *locales.Catalog, cfg Config) (*Runtime, error) {
	eng, err := newEngine(cat, cfg.Idle, cfg.WarmLater, cfg.Extensions)
	if err != nil {
		return nil, err
	}
	rt := &Runtime{Store: st, Engine: eng, Log: cfg.Log, Now: cfg.Now, MaxMediaPerReport: cfg.MaxMediaPerReport}
	var handlers eventHandlers
	for _, ext := range cfg.Extensions {
		if ext.MediaFlow != "" {
			rt.MediaFlows = append(rt.MediaFlows, ext.MediaFlow)
		}
		if ext.Events != nil {
			handlers = append(handlers, ext.Events)
		}
		rt.Interceptors = append(rt.Interceptors, ext.Interceptors...)
	}
	if len(handlers) > 0 {
		rt.Events = handlers
	}
	return rt, nil
}

// eventHandlers passes every event to each handler in turn.
type eventHandlers []EventHandler

func (hs eventHandlers) HandleEvent(ctx context.Context, tx *store.Tx, c store.Contact, channel string, ev flows.Event) error {
	for _, h := range hs {
		if err := h.HandleEvent(ctx, tx, c, channel, ev); err != nil {
			return err
		}
	}
	return nil
}
