package sms

import (
	"context"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// optOutGate is a bot.Interceptor that answers nothing to an SMS contact
// who opted out: the runtime stores the message and runs no step. It runs
// under the runtime's lock on the contact, so a STOP committed a moment
// earlier is always seen, and it costs no query of its own.
type optOutGate struct{}

// Intercept implements bot.Interceptor.
func (optOutGate) Intercept(_ context.Context, _ *store.Tx, c store.Contact, _ locales.Lang, _ string) ([]flows.Reply, bool, error) {
	return nil, c.Channel == Channel && c.OptedOut, nil
}

// installGate puts the opt-out gate first among rt's interceptors, once.
func installGate(rt *bot.Runtime) {
	for _, ic := range rt.Interceptors {
		if _, ok := ic.(optOutGate); ok {
			return
		}
	}
	rt.Interceptors = append([]bot.Interceptor{optOutGate{}}, rt.Interceptors...)
}
