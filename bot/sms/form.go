package sms

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/twilio"
)

// inboundForm is the part of Twilio's inbound-message webhook we use.
// https://www.twilio.com/docs/messaging/guides/webhook-request
type inboundForm struct {
	MessageSid string
	AccountSid string
	From       string
	To         string
	Body       string
	NumMedia   int
	// Media are the message's MediaUrl<i> and MediaContentType<i>, each
	// URL checked to be one of this account's media on Twilio's API host
	// (see mediaURLOK): the media pipeline fetches them with the
	// account's credentials, so an address anywhere else is refused here.
	Media []bot.Media
}

var errBadForm = errors.New("sms: malformed webhook form")

// parseInbound checks the inbound form's shape. It is called only on
// signed requests, so a failure here is Twilio changing something, or our
// configuration pointing the wrong webhook here.
func parseInbound(v url.Values, cfg Config) (inboundForm, error) {
	accountSID := cfg.AccountSID
	f := inboundForm{
		MessageSid: v.Get("MessageSid"),
		AccountSid: v.Get("AccountSid"),
		From:       strings.TrimSpace(v.Get("From")),
		To:         strings.TrimSpace(v.Get("To")),
		Body:       v.Get("Body"),
	}
	if f.MessageSid == "" {
		f.MessageSid = v.Get("SmsSid") // older webhooks
	}
	if !validSid(f.MessageSid, "SM", "MM") {
		return f, fmt.Errorf("%w: MessageSid", errBadForm)
	}
	if f.AccountSid != "" && f.AccountSid != accountSID {
		return f, fmt.Errorf("%w: AccountSid of another account", errBadForm)
	}
	if f.From == "" || len(f.From) > 64 {
		return f, fmt.Errorf("%w: From", errBadForm)
	}
	if n := v.Get("NumMedia"); n != "" {
		k, err := strconv.Atoi(n)
		if err != nil || k < 0 || k > bot.MaxMedia {
			return f, fmt.Errorf("%w: NumMedia", errBadForm)
		}
		f.NumMedia = k
	}
	media, err := twilio.ParseMedia(v, f.NumMedia, cfg.mediaBase(), accountSID)
	if err != nil {
		return f, fmt.Errorf("%w: %w", errBadForm, err)
	}
	f.Media = media
	return f, nil
}

// DefaultMediaBaseURL is where Twilio serves the media of a message
// (twilio.DefaultMediaBaseURL).
const DefaultMediaBaseURL = twilio.DefaultMediaBaseURL

// mediaURLOK reports whether u is a media resource of account on the
// Twilio API at base (twilio.MediaURLOK).
var mediaURLOK = twilio.MediaURLOK

// validSid reports whether s looks like a Twilio SID with one of the
// prefixes.
var validSid = twilio.ValidSid
