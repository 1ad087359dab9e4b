package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/bot/sms"
	"github.com/rightsline/rightsline/bot/spool"
	"github.com/rightsline/rightsline/bot/terminal"
	"github.com/rightsline/rightsline/bot/web"
	"github.com/rightsline/rightsline/bot/whatsapp"
)

// smsConfig is the Twilio part of the configuration.
func smsConfig(cfg config) sms.Config {
	return sms.Config{
		AccountSID:          cfg.TwilioAccountSID,
		AuthToken:           cfg.TwilioAuthToken,
		From:                cfg.TwilioFrom,
		MessagingServiceSID: cfg.TwilioMessagingServiceSID,
		PublicBaseURL:       cfg.PublicBaseURL,
		AdvancedOptOut:      cfg.TwilioAdvancedOptOut,
		RateLimitPerMinute:  cfg.SMSRateLimitPerMinute,
		MediaBaseURL:        cfg.TwilioMediaBaseURL,
	}
}

// smsEnabled reports whether SMS is configured; a partial configuration
// is an error that stops start-up, naming what is missing. The account
// alone with a WhatsApp sender and no SMS number is WhatsApp only.
func smsEnabled(cfg config) (bool, error) {
	c := smsConfig(cfg)
	if !c.Enabled() || cfg.WhatsAppFrom != "" && c.From == "" && c.MessagingServiceSID == "" {
		return false, nil
	}
	if err := c.Check(); err != nil {
		return false, fmt.Errorf("%w (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID, and PUBLIC_BASE_URL; or none of the Twilio ones)", err)
	}
	return true, nil
}

// mountSMS serves POST /twilio/sms and POST /twilio/status when Twilio is
// configured; otherwise it says so and both routes answer 404.
func mountSMS(mux *http.ServeMux, a *app) error {
	on, err := smsEnabled(a.cfg)
	if err != nil {
		return err
	}
	if !on {
		a.log.Info("sms off: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM (or TWILIO_MESSAGING_SERVICE_SID) are not set; /twilio/sms and /twilio/status answer 404")
		return nil
	}
	h, err := sms.New(smsConfig(a.cfg), a.runtime, a.catalog, a.log)
	if err != nil {
		return err
	}
	sp, onSpool, err := channelSpool(a, sms.Channel)
	if err != nil {
		return err
	}
	if sp != nil {
		h.Spool, h.OnSpool = sp, onSpool
		a.smsHandler = h
		a.log.Info("sms spool on: messages the database cannot take wait there", "dir", sp.Dir(), "waiting", sp.Len())
	}
	h.Register(mux)
	a.log.Info("sms on: Twilio webhooks at "+a.cfg.PublicBaseURL+sms.InboundPath+" and "+a.cfg.PublicBaseURL+sms.StatusPath,
		"advanced_opt_out", a.cfg.TwilioAdvancedOptOut, "rate_limit_per_minute", a.cfg.SMSRateLimitPerMinute)
	return nil
}

// runOutbox works the outbox (staff updates, reminders) until ctx ends,
// with a Sender for each configured channel: SMS through Twilio's REST API
// and Discord direct messages. Rows of a channel without a Sender wait.
func runOutbox(ctx context.Context, a *app) error {
	d := newDispatcher(a)
	on, err := smsEnabled(a.cfg)
	if err != nil {
		return err
	}
	if on {
		s, err := sms.NewSender(smsConfig(a.cfg), nil)
		if err != nil {
			return err
		}
		d.register(sms.Channel, s)
	}
	if err := registerWhatsAppSender(a, d); err != nil {
		return err
	}
	if err := registerDiscordSender(a, d); err != nil {
		return err
	}
	// Simulator and terminal users read their stored conversation, so
	// staff updates to them are always deliverable.
	d.register(web.Channel, web.Sender(a.store))
	d.register(terminal.Channel, web.Sender(a.store))
	a.log.Info("outbox on", "channels", d.Channels(), "poll", d.PollInterval, "batch", d.Batch, "concurrency", d.Concurrency)
	return d.Run(ctx)
}

// dispatcher is the outbox dispatcher whose senders are counted in the
// metrics.
type dispatcher struct {
	*outbox.Dispatcher
	m *metrics
}

// newDispatcher builds the outbox dispatcher with the OUTBOX_* settings.
func newDispatcher(a *app) dispatcher {
	d := outbox.New(a.store, a.log)
	o := a.cfg.Outbox
	d.PollInterval, d.Batch, d.Concurrency = o.PollInterval, o.Batch, o.Concurrency
	d.MaxAttempts, d.BaseBackoff, d.MaxBackoff = o.MaxAttempts, o.BaseBackoff, o.MaxBackoff
	d.SendTimeout, d.PerAddressPerMinute = o.SendTimeout, o.PerAddressPerMinute
	d.Lease = o.Lease
	m := a.metrics
	d.OnOutage = func(failing bool) {
		if failing {
			m.outboxDown.Set(1)
			m.outboxOutage.Inc()
		} else {
			m.outboxDown.Set(0)
		}
	}
	d.OnInDoubt = func(channel, outcome string) { m.outboxDoubt.WithLabelValues(label(channel), outcome).Inc() }
	return dispatcher{d, a.metrics}
}

// register registers s for channel, counting its sends and failures.
func (d dispatcher) register(channel string, s outbox.Sender) {
	cs := countingSender{channel: channel, next: s, m: d.m}
	if l, ok := s.(outbox.Looker); ok {
		d.Register(channel, lookingSender{cs, l})
		return
	}
	d.Register(channel, cs)
}

// channelSpool is the instance's spool for a Twilio channel's handler
// and the metric its OnSpool reports to; nil when SPOOL_DIR is "off".
func channelSpool(a *app, channel string) (*spool.Spool, func(stage string), error) {
	if a.cfg.SpoolDir == "off" {
		return nil, nil, nil
	}
	sp, err := openSpool(a)
	if err != nil {
		return nil, nil, err
	}
	return sp, func(stage string) { a.metrics.spooled.WithLabelValues(channel, stage).Inc() }, nil
}

// openSpool opens SPOOL_DIR once for the channels that spool (SMS and
// WhatsApp share it).
func openSpool(a *app) (*spool.Spool, error) {
	if a.spool != nil {
		return a.spool, nil
	}
	sp, err := spool.Open(a.cfg.SpoolDir, a.store.Keys())
	if err != nil {
		return nil, fmt.Errorf("SPOOL_DIR: %w", err)
	}
	a.spool = sp
	return sp, nil
}

// replaySpooled replays one spooled message through the channel that
// spooled it.
func (a *app) replaySpooled(ctx context.Context, r spool.Record) error {
	switch {
	case r.Channel == whatsapp.Channel && a.waHandler != nil:
		return a.waHandler.Replay(ctx, r)
	case r.Channel == sms.Channel && a.smsHandler != nil:
		return a.smsHandler.Replay(ctx, r)
	}
	return fmt.Errorf("spool: a %s message, and that channel is off in this instance", r.Channel)
}

// spoolPoll is how often the spool worker looks for the database while
// messages wait.
const spoolPoll = time.Second

// runSpool replays the SMS spool whenever it holds messages and the
// database answers: each message goes through the runtime in the order it
// arrived and its reply through the outbox. One log line when a replay
// starts and one when the spool is empty again.
func runSpool(ctx context.Context, a *app) error {
	if a.spool == nil {
		return nil
	}
	t := time.NewTicker(spoolPoll)
	defer t.Stop()
	replaying := false
	for {
		n := a.spool.Len()
		a.metrics.spoolPending.Set(float64(n))
		if n > 0 {
			pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			err := a.store.Ping(pctx)
			cancel()
			if err == nil {
				if !replaying {
					a.log.Info("sms spool: database answers; replaying", "waiting", n)
					replaying = true
				}
				done, err := a.spool.Replay(ctx, a.replaySpooled)
				if err != nil && ctx.Err() == nil {
					a.log.Warn("sms spool: replay paused", "replayed", done, "err", err)
				}
				if a.spool.Len() == 0 {
					a.log.Info("sms spool: empty; every spooled message is committed", "unreadable", a.spool.Unreadable())
					replaying = false
				}
				a.metrics.spoolPending.Set(float64(a.spool.Len()))
				if err == nil && a.spool.Len() > 0 {
					continue // more arrived meanwhile
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
