package main

import (
	"context"

	"github.com/rightsline/rightsline/bot/discord"
	"github.com/rightsline/rightsline/bot/media"
	"github.com/rightsline/rightsline/bot/sms"
	"github.com/rightsline/rightsline/bot/twilio"
	"github.com/rightsline/rightsline/bot/whatsapp"
)

// runMedia fetches the photos and documents residents send during a
// report (bot/media), from every channel configured here: SMS through
// Twilio with the account's credentials, WhatsApp on the same account,
// Discord from its CDN. It is safe to
// run on every instance: rows are claimed with a lease.
func runMedia(ctx context.Context, a *app) error {
	w := &media.Worker{
		Store: a.store, Catalog: a.catalog, Fetchers: map[string]media.Fetcher{},
		MaxBytes: int64(a.cfg.MediaMaxBytes), MaxAttempts: a.cfg.MediaMaxAttempts,
		DeleteAfterFetch: a.cfg.TwilioMediaDelete, Log: a.log,
		OnDone: func(channel, outcome string) { a.metrics.media.WithLabelValues(label(channel), outcome).Inc() },
	}
	on, err := smsEnabled(a.cfg)
	if err != nil {
		return err
	}
	if on {
		w.Fetchers[sms.Channel] = smsConfig(a.cfg).MediaFetcher()
	}
	// WhatsApp's media are the same account's, on the same host.
	if wc, on, err := whatsappEnabled(a.cfg); err != nil {
		return err
	} else if on {
		w.Fetchers[whatsapp.Channel] = twilio.MediaFetcher(a.cfg.TwilioMediaBaseURL, wc.AccountSID, wc.AuthToken)
	}
	// Discord's attachments come from its CDN, without credentials.
	if dc := discordConfig(a.cfg); dc.Enabled() {
		w.Fetchers[discord.Channel] = dc.MediaFetcher()
	}
	a.log.Info("media worker on", "max_bytes", w.MaxBytes, "max_per_report", a.cfg.MediaMaxPerReport, "delete_from_twilio", w.DeleteAfterFetch)
	return w.Run(ctx)
}
