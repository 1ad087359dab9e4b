package sms

import (
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/twilio"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// senderLimit names the per-sender limit in the store.
const senderLimit = "sms-sender"

// channel is what SMS registers with the runtime: Twilio's length counter
// and cap, and the channel words (twilio.Words: STOP, START, HELP, the
// rate-limit notice, empty messages, the opted-out gate).
func (h *Handler) channel() bot.Channel {
	words := twilio.Words{
		Channel:        Channel,
		AdvancedOptOut: h.cfg.AdvancedOptOut,
		RateLimit:      store.Limit{Name: senderLimit, Max: h.cfg.rateLimit(), Window: time.Minute},
	}
	return bot.Channel{
		Name:         Channel,
		MaxText:      MaxMessage,
		Count:        locales.UTF16,
		Interceptors: words.Interceptors(),
		RateLimits:   words.Limits(),
	}
}
