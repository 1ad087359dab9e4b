package sms

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rightsline/rightsline/bot/twilio"
)

// DefaultRateLimitPerMinute is how many messages one sender may send in a
// minute before getting the slow-down notice.
const DefaultRateLimitPerMinute = 20

// Config is the Twilio account and how the channel behaves. The service
// reads it from TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN (or _FILE),
// TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID, PUBLIC_BASE_URL,
// TWILIO_ADVANCED_OPT_OUT and SMS_RATE_LIMIT_PER_MINUTE.
type Config struct {
	AccountSID string
	// AuthToken signs Twilio's webhooks and authenticates REST calls. Secret.
	AuthToken string
	// From is the sending number (E.164); MessagingServiceSID, if set, is
	// used instead for outbox messages.
	From                string
	MessagingServiceSID string
	// PublicBaseURL is the scheme and host Twilio calls, e.g.
	// https://rightsline.example.org; signatures are checked over it plus
	// the path. Proxy headers (X-Forwarded-*) are never consulted: the URL
	// Twilio signs is the one configured in the Twilio console, which is
	// PublicBaseURL plus the path, whatever proxies sit between.
	PublicBaseURL string
	// AdvancedOptOut, when true, leaves the replies to STOP, START and HELP
	// to Twilio's Advanced Opt-Out (configured on the Messaging Service);
	// the keywords are still recorded and honoured here.
	AdvancedOptOut bool
	// RateLimitPerMinute is per sender, counted in the store and shared
	// by every instance; 0 means DefaultRateLimitPerMinute.
	RateLimitPerMinute int
	// MediaBaseURL is the scheme and host an inbound MediaUrl must have
	// (TWILIO_MEDIA_BASE_URL); "" means DefaultMediaBaseURL, Twilio's API.
	// Only tests change it, to a fake Twilio on loopback: Check refuses
	// plain http anywhere else.
	MediaBaseURL string
}

// mediaBase is the media host inbound media URLs must be on.
func (c Config) mediaBase() string {
	if c.MediaBaseURL == "" {
		return DefaultMediaBaseURL
	}
	return strings.TrimRight(c.MediaBaseURL, "/")
}

// Enabled reports whether any Twilio setting is present; a partial
// configuration is an error (Check), not "off".
func (c Config) Enabled() bool {
	return c.AccountSID != "" || c.AuthToken != "" || c.From != "" || c.MessagingServiceSID != ""
}

// Check reports what is missing or malformed, naming the variables.
func (c Config) Check() error {
	errs := twilio.CheckAccount(c.AccountSID, c.AuthToken, c.PublicBaseURL)
	if c.From == "" && c.MessagingServiceSID == "" {
		errs = append(errs, errors.New("set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID"))
	}
	if c.MediaBaseURL != "" && !MediaBaseOK(c.MediaBaseURL) {
		errs = append(errs, errors.New("TWILIO_MEDIA_BASE_URL must be an https scheme and host (or http on loopback, for tests)"))
	}
	if c.RateLimitPerMinute < 0 {
		errs = append(errs, errors.New("SMS_RATE_LIMIT_PER_MINUTE must be positive"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("sms: %w", errors.Join(errs...))
	}
	return nil
}

// MediaBaseOK reports whether base can be a media host
// (twilio.MediaBaseOK).
var MediaBaseOK = twilio.MediaBaseOK

func (c Config) rateLimit() int {
	if c.RateLimitPerMinute <= 0 {
		return DefaultRateLimitPerMinute
	}
	return c.RateLimitPerMinute
}
