package main

import (
	"context"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// extensions are the domain packages the conversation runtime runs with:
// intake (the report flow's validators and actions, the stored report,
// STATUS <reference>). st may be nil for tools that only compile the
// flows (lint).
func extensions(st *store.Store, cat *locales.Catalog) []bot.Extension {
	return []bot.Extension{intake.Extension(st, intake.Config{Catalog: cat})}
}

// newRuntime builds the runtime every channel goes through. The channels
// register themselves with it (their counters and interceptors) when the
// server builds them.
func newRuntime(st *store.Store, cat *locales.Catalog, cfg bot.Config) (*bot.Runtime, error) {
	cfg.Extensions = append(cfg.Extensions, extensions(st, cat)...)
	return bot.New(st, cat, cfg)
}

// wireRuntime prepares what the runtime built by bot.New relies on in the
// database: the commissions reports are routed to. Seeding is an idempotent
// upsert that never re-activates a commission an admin closed, so it runs
// at every start-up and a new routing file takes effect on deploy. It also
// applies translators' edits over the catalog.
func wireRuntime(ctx context.Context, a *app) error {
	if err := intake.SeedCommissions(ctx, a.store); err != nil {
		return err
	}
	// Translators' console edits apply from the first message on.
	_, err := applyTranslations(ctx, a)
	return err
}
