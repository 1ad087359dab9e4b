package twilio

import (
	"context"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/store"
)

// StatusRateLimited is stored on a message over the per-sender limit.
const StatusRateLimited = "rate_limited"

// Limits are the rate limits the interceptors count against the
// sender's address, for bot.Channel.RateLimits.
func (h Words) Limits() []store.Limit { return []store.Limit{h.RateLimit} }

// rateLimit answers the first message over the per-sender limit with a
// notice and later ones with nothing, storing them as rate_limited. The
// count is kept in the store, inside the message's transaction, so every
// instance shares it (a phone cannot get the limit through each instance
// of a deployment) and a transaction run again on contention counts once.
func (h Words) rateLimit(ctx context.Context, t *bot.Turn) (bot.Verdict, error) {
	v, err := t.Tx.Allow(ctx, h.RateLimit, t.In.Address)
	switch {
	case err != nil:
		return bot.Verdict{}, err
	case v.Allowed:
		return bot.Verdict{}, nil
	case v.FirstRefusal && !t.Contact.OptedOut:
		return reply(t, "sms.rate_limited", StatusRateLimited)
	default:
		return bot.Verdict{Handled: true, Status: StatusRateLimited}, nil
	}
}
