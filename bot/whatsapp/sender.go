package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/bot/twilio"
	"github.com/rightsline/rightsline/store"
)

// Sender sends outbox messages (staff updates) to WhatsApp contacts
// through Twilio's REST API: as free text within 24 hours of the
// person's last message, else as the approved template configured for
// the message and language (Plan). Register it with the outbox dispatcher
// for Channel.
type Sender struct {
	cfg   Config
	st    *store.Store
	hooks *twilio.Hooks
	rest  *api.ApiService
	now   func() time.Time
}

var (
	_ outbox.Sender = (*Sender)(nil)
	_ outbox.Looker = (*Sender)(nil)
)

// NewSender returns a Sender for cfg, reading the window from st.
// httpClient carries the requests (nil: twilio.NewAPI's default).
func NewSender(cfg Config, st *store.Store, httpClient *http.Client) (*Sender, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if st == nil {
		return nil, errors.New("whatsapp: NewSender needs the store (the 24-hour window is read from it)")
	}
	return &Sender{cfg: cfg, st: st, hooks: twilio.NewHooks(cfg.AuthToken, cfg.PublicBaseURL),
		rest: twilio.NewAPI(cfg.AccountSID, cfg.AuthToken, httpClient), now: time.Now}, nil
}

// Plan is how msg would go now: free text or which template.
func (s *Sender) Plan(ctx context.Context, msg store.Outbound) (Plan, error) {
	last, err := s.st.LastInbound(ctx, msg.ContactID)
	wrote := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Plan{}, err
	}
	if InWindow(last, wrote, s.now()) {
		return Plan{}, nil
	}
	var tmpl *store.OutboundTemplate
	if t, err := s.st.OutboundTemplate(ctx, msg.ID); err == nil {
		tmpl = &t
	} else if !errors.Is(err, store.ErrNotFound) {
		return Plan{}, err
	}
	return s.cfg.Templates.Plan(last, wrote, s.now(), tmpl)
}

// Send sends msg and returns the MessageSid of its first message: free
// text split at 1600 characters inside the window, one template message
// (ContentSid and ContentVariables, no Body) outside it. A message that
// must go as a template and has none fails at once (outbox.Permanent),
// saying so on the report's delivery line; it is never sent as free
// text outside the window. Errors never contain the number or the text.
func (s *Sender) Send(ctx context.Context, msg store.Outbound) (string, error) {
	if msg.Channel != Channel {
		return "", outbox.Permanent(fmt.Errorf("whatsapp: cannot send a %q message", msg.Channel))
	}
	plan, err := s.Plan(ctx, msg)
	var nt *NoTemplateError
	if errors.As(err, &nt) {
		return "", outbox.Permanent(err)
	}
	if err != nil {
		return "", err
	}
	var bodies []string
	if !plan.Template {
		if bodies = parts(msg.Body); len(bodies) == 0 {
			return "", outbox.Permanent(errors.New("whatsapp: nothing to send"))
		}
	} else {
		bodies = []string{""}
	}
	msgs := make([]*api.CreateMessageParams, len(bodies))
	for i, body := range bodies {
		p := &api.CreateMessageParams{}
		p.SetTo(Prefix + msg.Address)
		p.SetFrom(Prefix + s.cfg.from())
		if plan.Template {
			p.SetContentSid(plan.ContentSid)
			p.SetContentVariables(plan.Variables)
		} else {
			p.SetBody(body)
		}
		p.SetStatusCallback(s.hooks.OutboxCallbackURL(StatusPath, msg.ID))
		msgs[i] = p
	}
	first, err := twilio.SendAll(ctx, Channel, s.rest, msgs)
	if err != nil {
		return "", err
	}
	if first == "" {
		return "", outbox.Permanent(errors.New("whatsapp: Twilio returned no MessageSid"))
	}
	return first, nil
}

// Lookup finds the message Twilio holds for an in-doubt outbox row (see
// twilio.Lookup): one whose body is the row's first part, or, for a row
// that has a template, any REST message to the contact since the attempt
// (Twilio lists a template message with the template's text, which we do
// not have; the outbox sends one row of a contact at a time, and the
// others' messages are in taken).
func (s *Sender) Lookup(ctx context.Context, msg store.Outbound, since time.Time, taken map[string]bool) (string, error) {
	first := parts(msg.Body)
	_, err := s.st.OutboundTemplate(ctx, msg.ID)
	hasTemplate := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	if len(first) == 0 && !hasTemplate {
		return "", nil
	}
	return twilio.Lookup(ctx, Channel, s.rest, Prefix+msg.Address, Prefix+s.cfg.from(), since, taken, func(body string) bool {
		return hasTemplate || len(first) > 0 && body == first[0]
	})
}
