package twilio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/locales"
)

// MaxMessage is the longest Body Twilio's Messages API takes, in UTF-16
// code units as Twilio counts them (error 21617), on every channel.
const MaxMessage = 1600

// Parts is text as Twilio sends it: cleaned (a staff update may hold
// anything) and split into bodies of at most MaxMessage.
func Parts(text string) []string {
	return locales.Split(locales.Clean(text), MaxMessage, locales.UTF16)
}

// SendAll creates the messages in order through the REST API, stopping
// when ctx ends, and returns the MessageSid of the first ("" if Twilio
// returned none). Each params carries its own status callback, which
// names the outbox row: a send Twilio took before this process could
// record it is then recognised, not sent again. Errors are RESTError's.
func SendAll(ctx context.Context, channel string, rest *api.ApiService, msgs []*api.CreateMessageParams) (string, error) {
	var first string
	for _, p := range msgs {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		m, err := rest.CreateMessage(p)
		if err != nil {
			return "", RESTError(channel, err)
		}
		if first == "" && m.Sid != nil {
			first = *m.Sid
		}
	}
	return first, nil
}

// SendTimeout bounds one REST call; twilio-go takes no context, so the
// HTTP client's timeout is what stops a hung call.
const SendTimeout = 15 * time.Second

// NewAPI returns the 2010 REST API's service alone for the account:
// twilio-go's root RestClient links every Twilio product's API, close to
// half the binary, for the calls made here. httpClient carries the
// requests; nil means a client with a 15 s timeout that does not follow
// redirects. Tests pass a client whose transport reaches a fake Twilio on
// loopback (twiliotest), since twilio-go's base URL cannot be changed.
func NewAPI(accountSID, authToken string, httpClient *http.Client) *api.ApiService {
	if httpClient == nil {
		httpClient = &http.Client{
			Timeout:       SendTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	c := &client.Client{Credentials: client.NewCredentials(accountSID, authToken), HTTPClient: httpClient}
	// Without it requests go to /2010-04-01/Accounts//Messages.json.
	c.SetAccountSid(accountSID)
	return api.NewApiServiceWithClient(c)
}

// Error is a refusal from Twilio's API, named by its HTTP status and
// Twilio error code only: Twilio's message text quotes the phone number.
type Error struct {
	channel      string
	status, code int
}

// Refused reports that Twilio answered, so the message was not taken
// (the outbox does not hold the attempt in doubt).
func (e Error) Refused() bool { return true }

func (e Error) Error() string {
	return fmt.Sprintf("%s: twilio HTTP %d, error %d", e.channel, e.status, e.code)
}

// ProviderCode names the error for metrics: "twilio_21610", or the HTTP
// status when Twilio gave no code.
func (e Error) ProviderCode() string {
	if e.code != 0 {
		return fmt.Sprintf("twilio_%d", e.code)
	}
	return fmt.Sprintf("http_%d", e.status)
}

// RESTError classifies an error of a REST call for the outbox: "unsubscribed
// recipient" (21610) wraps outbox.ErrOptedOut; a refusal retrying cannot
// fix (an invalid number, any other 4xx but 401, 403 and 429) is
// outbox.Permanent; anything else is retried. Errors name the channel and
// never contain the address or the text.
func RESTError(channel string, err error) error {
	var te *client.TwilioRestError
	if !errors.As(err, &te) {
		return fmt.Errorf("%s: twilio request: %w", channel, err)
	}
	e := Error{channel: channel, status: te.Status, code: te.Code}
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

// Lookup finds the message Twilio holds for an in-doubt outbox row: one
// sent through the REST API (direction outbound-api, so never a TwiML
// reply) to `to`, from `from` unless it is "" (a Messaging Service picks
// the number), at or after since, whose body match accepts, and whose id
// is not already another row's (taken). It returns "" when there is none,
// so the row is sent. Twilio lists a message as soon as its create call
// is answered.
func Lookup(ctx context.Context, channel string, rest *api.ApiService, to, from string, since time.Time, taken map[string]bool, match func(body string) bool) (string, error) {
	p := &api.ListMessageParams{}
	p.SetTo(to)
	if from != "" {
		p.SetFrom(from)
	}
	p.SetDateSentAfter(since.UTC())
	p.SetPageSize(100)
	p.SetLimit(500)
	list, err := rest.ListMessage(p)
	if err != nil {
		return "", RESTError(channel, err)
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	// Twilio lists newest first; the oldest match is the row's.
	found := ""
	for _, m := range list {
		body := ""
		if m.Body != nil {
			body = *m.Body
		}
		if m.Sid == nil || taken[*m.Sid] || !match(body) {
			continue
		}
		if m.Direction != nil && *m.Direction != "outbound-api" {
			continue
		}
		found = *m.Sid
	}
	return found, nil
}
