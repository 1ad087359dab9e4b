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
	for i := range f.NumMedia {
		u := strings.TrimSpace(v.Get("MediaUrl" + strconv.Itoa(i)))
		ct := strings.ToLower(strings.TrimSpace(v.Get("MediaContentType" + strconv.Itoa(i))))
		if !mediaURLOK(u, cfg.mediaBase(), accountSID) {
			return f, fmt.Errorf("%w: MediaUrl%d is not this account's media on Twilio", errBadForm, i)
		}
		if len(ct) > 128 || strings.ContainsFunc(ct, func(r rune) bool { return r < 0x20 || r > 0x7e }) {
			return f, fmt.Errorf("%w: MediaContentType%d", errBadForm, i)
		}
		f.Media = append(f.Media, bot.Media{URL: u, ContentType: ct})
	}
	if v.Get("MediaUrl"+strconv.Itoa(f.NumMedia)) != "" {
		return f, fmt.Errorf("%w: more MediaUrl than NumMedia", errBadForm)
	}
	return f, nil
}

// DefaultMediaBaseURL is where Twilio serves the media of a message:
// MediaUrl<i> is <base>/2010-04-01/Accounts/<AccountSid>/Messages/<sid>/Media/<MediaSid>.
const DefaultMediaBaseURL = "https://api.twilio.com"

// maxMediaURL bounds a media URL's length; Twilio's are about 150 bytes.
const maxMediaURL = 512

// mediaURLOK reports whether u is a media resource of account on the
// Twilio API at base: the scheme and host exactly base's, the path under
// /2010-04-01/Accounts/<account>/Messages/ and ending in /Media/<ME sid>,
// no user, query or fragment. Nothing else is ever fetched with the
// account's credentials (server-side request forgery: a webhook signed
// with a leaked token still cannot point the fetcher anywhere else).
func mediaURLOK(u, base, account string) bool {
	if u == "" || len(u) > maxMediaURL {
		return false
	}
	p, err := url.Parse(u)
	if err != nil || p.User != nil || p.RawQuery != "" || p.Fragment != "" || p.Opaque != "" || p.ForceQuery {
		return false
	}
	b, err := url.Parse(base)
	if err != nil || p.Scheme != b.Scheme || !strings.EqualFold(p.Host, b.Host) {
		return false
	}
	prefix := "/2010-04-01/Accounts/" + account + "/Messages/"
	rest, ok := strings.CutPrefix(p.Path, prefix)
	if !ok || p.RawPath != "" && p.RawPath != p.Path {
		return false
	}
	msg, media, ok := strings.Cut(rest, "/Media/")
	return ok && validSid(msg, "SM", "MM") && validSid(media, "ME")
}

// validSid reports whether s looks like a Twilio SID with one of the
// prefixes.
var validSid = twilio.ValidSid
