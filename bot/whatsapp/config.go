package whatsapp

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/rightsline/rightsline/bot/twilio"
)

// DefaultRateLimitPerMinute is how many messages one sender may send in a
// minute before getting the slow-down notice (as on SMS).
const DefaultRateLimitPerMinute = 20

// Config is the Twilio account, the WhatsApp sender and the templates.
// The service reads it from TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN (or
// _FILE), TWILIO_WHATSAPP_FROM, PUBLIC_BASE_URL, WHATSAPP_TEMPLATES_FILE
// and WHATSAPP_RATE_LIMIT_PER_MINUTE.
type Config struct {
	AccountSID string
	// AuthToken signs Twilio's webhooks and authenticates REST calls. Secret.
	AuthToken string
	// From is the WhatsApp sender's number (E.164, with or without
	// "whatsapp:").
	From string
	// PublicBaseURL is the scheme and host Twilio calls; signatures are
	// checked over it plus the path (see bot/sms.Config).
	PublicBaseURL string
	// Templates are the approved templates sent outside the 24-hour
	// window; nil means none (such updates then fail, saying why).
	Templates *Templates
	// RateLimitPerMinute is per sender; 0 means DefaultRateLimitPerMinute.
	RateLimitPerMinute int
	// MediaBaseURL is the scheme and host an inbound MediaUrl must have
	// (TWILIO_MEDIA_BASE_URL, shared with SMS); "" means
	// twilio.DefaultMediaBaseURL. Only tests change it.
	MediaBaseURL string
}

// e164 is a phone number: +, country code, 8 to 15 digits in all.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

// Enabled reports whether a WhatsApp sender is configured; the account
// settings alone (shared with SMS) do not turn WhatsApp on.
func (c Config) Enabled() bool { return c.From != "" }

// Check reports what is missing or malformed, naming the variables.
func (c Config) Check() error {
	errs := twilio.CheckAccount(c.AccountSID, c.AuthToken, c.PublicBaseURL)
	if !e164.MatchString(c.from()) {
		errs = append(errs, errors.New("TWILIO_WHATSAPP_FROM must be the WhatsApp sender's number, such as +12025550100 or whatsapp:+12025550100"))
	}
	if c.MediaBaseURL != "" && !twilio.MediaBaseOK(c.MediaBaseURL) {
		errs = append(errs, errors.New("TWILIO_MEDIA_BASE_URL must be an https scheme and host (or http on loopback, for tests)"))
	}
	if c.RateLimitPerMinute < 0 {
		errs = append(errs, errors.New("WHATSAPP_RATE_LIMIT_PER_MINUTE must be positive"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("whatsapp: %w", errors.Join(errs...))
	}
	return nil
}

// from is the sender's number without "whatsapp:".
func (c Config) from() string { return Address(c.From) }

// mediaBase is the media host inbound media URLs must be on.
func (c Config) mediaBase() string {
	if c.MediaBaseURL == "" {
		return twilio.DefaultMediaBaseURL
	}
	return strings.TrimRight(c.MediaBaseURL, "/")
}

func (c Config) rateLimit() int {
	if c.RateLimitPerMinute <= 0 {
		return DefaultRateLimitPerMinute
	}
	return c.RateLimitPerMinute
}
