package main

import (
	"context"

	"github.com/rightsline/rightsline/intake"
)

// wireRuntime prepares what the runtime built by bot.New relies on in the
// database: the commissions reports are routed to. Seeding is an idempotent
// upsert that never re-activates a commission an admin closed, so it runs
// at every start-up and a new routing file takes effect on deploy.
func wireRuntime(ctx context.Context, a *app) error {
	return intake.SeedCommissions(ctx, a.store)
}
