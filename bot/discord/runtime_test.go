package discord

import (
	"log/slog"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// newTestRuntime builds the runtime the service runs (bot.New: the engine
// with every domain extension, intake storing reports and answering
// STATUS), with the test's logger and clock.
func newTestRuntime(st *store.Store, cat *locales.Catalog, log *slog.Logger, now func() time.Time) (*bot.Runtime, error) {
	return bot.New(st, cat, bot.Config{Log: log, Now: now, Extensions: []bot.Extension{intake.Extension(st, intake.Config{Catalog: cat})}})
}
