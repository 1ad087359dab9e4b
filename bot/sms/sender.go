package sms

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/store"
)

// sendTimeout bounds one REST call; twilio-go takes no context, so the
// HTTP client's timeout is what stops a hung call.
const sendTimeout = 15 * time.Second

// Sender sends outbox messages (staff updates, reminders) through
// Twilio's REST API, api.CreateMessage. Register it with the outbox
// dispatcher for Channel.
type Sender struct {
	cfg Config
	// rest is the 2010 REST API's service alone: twilio-go's root
	// RestClient links every Twilio product's API, close to half the
	// binary, for the one call made here.
	rest *api.ApiService
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
	if httpClient == nil {
		httpClient = &http.Client{
			Timeout:       sendTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	c := &client.Client{Credentials: client.NewCredentials(cfg.AccountSID, cfg.AuthToken), HTTPClient: httpClient}
	// Without it requests go to /2010-04-01/Accounts//Messages.json.
	c.SetAccountSid(cfg.AccountSID)
	return &Sender{cfg: cfg, rest: api.NewApiServiceWithClient(c)}, nil
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
	var first string
	for _, part := range parts(msg.Body) {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		p := &api.CreateMessageParams{}
		p.SetTo(msg.Address)
		p.SetBody(part)
		if s.cfg.MessagingServiceSID != "" {
			p.SetMessagingServiceSid(s.cfg.MessagingServiceSID)
		} else {
			p.SetFrom(s.cfg.From)
		}
		// The callback names the row: a send Twilio took before this
		// process could record it is then recognised, not sent again.
		p.SetStatusCallback(s.cfg.outboxCallbackURL(msg.ID))
		m, err := s.rest.CreateMessage(p)
		if err != nil {
			return "", restError(err)
		}
		if first == "" && m.Sid != nil {
			first = *m.Sid
		}
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
	p := &api.ListMessageParams{}
	p.SetTo(msg.Address)
	if s.cfg.MessagingServiceSID == "" {
		p.SetFrom(s.cfg.From)
	}
	p.SetDateSentAfter(since.UTC())
	p.SetPageSize(100)
	p.SetLimit(500)
	list, err := s.rest.ListMessage(p)
	if err != nil {
		return "", restError(err)
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	// Twilio lists newest first; the oldest match is the row's.
	found := ""
	for _, m := range list {
		if m.Sid == nil || taken[*m.Sid] || m.Body == nil || *m.Body != first[0] {
			continue
		}
		if m.Direction != nil && *m.Direction != "outbound-api" {
			continue
		}
		found = *m.Sid
	}
	return found, nil
}

// twilioError is a refusal from Twilio's API, named by its HTTP status and
// Twilio error code only: Twilio's message text quotes the phone number.
type twilioError struct{ status, code int }

// Refused reports that Twilio answered, so the message was not taken
// (the outbox does not hold the attempt in doubt).
func (e twilioError) Refused() bool { return true }

func (e twilioError) Error() string {
	return fmt.Sprintf("sms: twilio HTTP %d, error %d", e.status, e.code)
}

// ProviderCode names the error for metrics: "twilio_21610", or the HTTP
// status when Twilio gave no code.
func (e twilioError) ProviderCode() string {
	if e.code != 0 {
		return fmt.Sprintf("twilio_%d", e.code)
	}
	return fmt.Sprintf("http_%d", e.status)
}

func restError(err error) error {
	var te *client.TwilioRestError
	if !errors.As(err, &te) {
		return fmt.Errorf("sms: twilio request: %w", err)
	}
	e := twilioError{status: te.Status, code: te.Code}
	switch {
	case te.Code == errUnsubscribedCode:
		return fmt.Errorf("%w: %w", e, outbox.ErrOptedOut)
	case te.Code == errInvalidTo, te.Code == errNotMobile, te.Code == errRegionNotAllowed:
		return outbox.Permanent(e)
	case te.Status == http.StatusTooManyRequests, te.Status >= 500, te.Status == http.StatusUnauthorized, te.Status == http.StatusForbidden:
		// Busy, broken, or credentials being rotated: worth retrying.
		return e
	case te.Status >= 400:
		return outbox.Permanent(e)
	}
	return e
}
