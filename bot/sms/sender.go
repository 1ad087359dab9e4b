package sms

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

// Sender sends outbox messages (staff updates, reminders) through
// Twilio's REST API, api.CreateMessage. Register it with the outbox
// dispatcher for Channel.
type Sender struct {
	cfg   Config
	hooks *twilio.Hooks
	rest  *api.ApiService
}

var (
	_ outbox.Sender = (*Sender)(nil)
	_ outbox.Looker = (*Sender)(nil)
)

// NewSender returns a Sender for the account in cfg. httpClient carries
// the requests; nil means a client with a 15 s timeout that does not
// follow redirects. Tests pass a client whose transport reaches a fake
// Twilio on loopback, since twilio-go's base URL cannot be changed.
func NewSender(cfg Config, httpClient *http.Client) (*Sender, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	return &Sender{cfg: cfg, hooks: twilio.NewHooks(cfg.AuthToken, cfg.PublicBaseURL), rest: twilio.NewAPI(cfg.AccountSID, cfg.AuthToken, httpClient)}, nil
}

// Send sends msg, split into several messages if it is longer than 1600
// characters, and returns the MessageSid of the first. A Twilio error that
// retrying cannot fix is returned as outbox.Permanent, and "unsubscribed
// recipient" (21610) as outbox.ErrOptedOut. Errors never contain the
// number or the text.
func (s *Sender) Send(ctx context.Context, msg store.Outbound) (string, error) {
	if msg.Channel != Channel {
		return "", outbox.Permanent(fmt.Errorf("sms: cannot send a %q message", msg.Channel))
	}
	var msgs []*api.CreateMessageParams
	for _, part := range parts(msg.Body) {
		p := &api.CreateMessageParams{}
		p.SetTo(msg.Address)
		p.SetBody(part)
		if s.cfg.MessagingServiceSID != "" {
			p.SetMessagingServiceSid(s.cfg.MessagingServiceSID)
		} else {
			p.SetFrom(s.cfg.From)
		}
		p.SetStatusCallback(s.hooks.OutboxCallbackURL(StatusPath, msg.ID))
		msgs = append(msgs, p)
	}
	first, err := twilio.SendAll(ctx, Channel, s.rest, msgs)
	if err != nil {
		return "", err
	}
	if first == "" {
		return "", outbox.Permanent(errors.New("sms: nothing to send, or Twilio returned no MessageSid"))
	}
	return first, nil
}

// Lookup finds the message Twilio holds for an in-doubt outbox row: one
// sent through the REST API (direction outbound-api, so never a TwiML
// reply) to the row's address from our number, at or after since, whose
// body is the row's first part, and whose id is not already another row's
// (taken). It returns "" when there is none, so the row is sent. Twilio
// lists a message as soon as its create call is answered.
func (s *Sender) Lookup(ctx context.Context, msg store.Outbound, since time.Time, taken map[string]bool) (string, error) {
	first := parts(msg.Body)
	if len(first) == 0 {
		return "", nil
	}
	from := s.cfg.From
	if s.cfg.MessagingServiceSID != "" {
		from = ""
	}
	return twilio.Lookup(ctx, Channel, s.rest, msg.Address, from, since, taken, func(body string) bool { return body == first[0] })
}
