package discord

import (
	"log/slog"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// newTestRuntime builds the runtime the service runs: bot.New's engine,
// with intake storing the reports and answering STATUS, as cmd/rightsline wires it.
func newTestRuntime(st *store.Store, cat *locales.Catalog, log *slog.Logger, now func() time.Time) (*bot.Runtime, error) {
	rt, err := bot.New(st, cat, bot.Config{Log: log, Now: now})
	if err != nil {
		return nil, err
	}
	svc := intake.NewService(st, cat)
	rt.Events = svc
	rt.Interceptors = []bot.Interceptor{svc}
	return rt, nil
}
