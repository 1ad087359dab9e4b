package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/rightsline/rightsline/bot/whatsapp"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/store"
)

// whatsappConfig is the WhatsApp part of the configuration, the
// templates file read (an unreadable or invalid file is an error that
// stops start-up).
func whatsappConfig(cfg config) (whatsapp.Config, error) {
	c := whatsapp.Config{
		AccountSID:         cfg.TwilioAccountSID,
		AuthToken:          cfg.TwilioAuthToken,
		From:               cfg.WhatsAppFrom,
		PublicBaseURL:      cfg.PublicBaseURL,
		RateLimitPerMinute: cfg.WhatsAppRateLimitPerMinute,
		MediaBaseURL:       cfg.TwilioMediaBaseURL,
	}
	if cfg.WhatsAppTemplatesFile != "" {
		t, err := whatsapp.LoadTemplates(cfg.WhatsAppTemplatesFile)
		if err != nil {
			return c, err
		}
		c.Templates = t
	}
	return c, nil
}

// whatsappEnabled reports whether WhatsApp is configured, with its
// configuration; a partial one is an error that stops start-up.
func whatsappEnabled(cfg config) (whatsapp.Config, bool, error) {
	c, err := whatsappConfig(cfg)
	if err != nil {
		return c, false, err
	}
	if !c.Enabled() {
		if cfg.WhatsAppTemplatesFile != "" {
			return c, false, errors.New("WHATSAPP_TEMPLATES_FILE is set but TWILIO_WHATSAPP_FROM is not")
		}
		return c, false, nil
	}
	if err := c.Check(); err != nil {
		return c, false, fmt.Errorf("%w (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_FROM and PUBLIC_BASE_URL; or no TWILIO_WHATSAPP_FROM)", err)
	}
	return c, true, nil
}

// mountWhatsApp serves POST /twilio/whatsapp and /twilio/whatsapp/status
// when a WhatsApp sender is configured; otherwise both answer 404.
func mountWhatsApp(mux *http.ServeMux, a *app) error {
	c, on, err := whatsappEnabled(a.cfg)
	if err != nil {
		return err
	}
	if !on {
		a.log.Info("whatsapp off: TWILIO_WHATSAPP_FROM is not set; " + whatsapp.InboundPath + " and " + whatsapp.StatusPath + " answer 404")
		return nil
	}
	h, err := whatsapp.New(c, a.runtime, a.log)
	if err != nil {
		return err
	}
	sp, onSpool, err := channelSpool(a, whatsapp.Channel)
	if err != nil {
		return err
	}
	if sp != nil {
		h.Spool, h.OnSpool = sp, onSpool
		a.waHandler = h
	}
	h.Register(mux)
	a.log.Info("whatsapp on: Twilio webhooks at "+a.cfg.PublicBaseURL+whatsapp.InboundPath+" and "+a.cfg.PublicBaseURL+whatsapp.StatusPath,
		"templates", c.Templates.Len(), "rate_limit_per_minute", c.RateLimitPerMinute)
	return nil
}

// registerWhatsAppSender gives the outbox a WhatsApp sender when one is
// configured.
func registerWhatsAppSender(a *app, d dispatcher) error {
	c, on, err := whatsappEnabled(a.cfg)
	if err != nil || !on {
		return err
	}
	s, err := whatsapp.NewSender(c, a.store, nil)
	if err != nil {
		return err
	}
	d.register(whatsapp.Channel, s)
	return nil
}

// whatsappPlanner is how the console and intake learn, before an update
// is queued, whether it goes to a WhatsApp contact as free text or as an
// approved template (the resident last wrote more than 24 hours ago), and
// refuse one that has no template to go as.
func whatsappPlanner(a *app) intake.SendPlanner {
	c, on, err := whatsappEnabled(a.cfg)
	if err != nil || !on {
		return nil
	}
	return func(ctx context.Context, tx *store.Tx, to store.Contact, t store.OutboundTemplate) (string, error) {
		last, err := tx.LastInbound(ctx, to.ID)
		wrote := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
		plan, err := c.Templates.Plan(last, wrote, time.Now(), &t)
		var nt *whatsapp.NoTemplateError
		if errors.As(err, &nt) {
			return "", &intake.UndeliverableError{Reason: "the resident last wrote more than 24 hours ago, so WhatsApp takes only an approved template, and none is configured for this update in their language or in English (WHATSAPP_TEMPLATES_FILE, docs/whatsapp.md)"}
		}
		if err != nil {
			return "", &intake.UndeliverableError{Reason: err.Error()}
		}
		return plan.Note(), nil
	}
}
