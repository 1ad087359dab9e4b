package main

import "context"

// wireRuntime connects the domain packages to the runtime: what handles
// engine events (reports), what answers before the engine (STATUS), and
// the outbound senders. Each step is one explicit call.
func wireRuntime(ctx context.Context, a *app) error {
	return nil
}
