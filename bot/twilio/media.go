package twilio

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/rightsline/rightsline/bot"
)

// DefaultMediaBaseURL is where Twilio serves the media of a message:
// MediaUrl<i> is <base>/2010-04-01/Accounts/<AccountSid>/Messages/<sid>/Media/<MediaSid>.
const DefaultMediaBaseURL = "https://api.twilio.com"

// maxMediaURL bounds a media URL's length; Twilio's are about 150 bytes.
const maxMediaURL = 512

// ParseMedia reads the n attachments of an inbound form (MediaUrl<i>,
// MediaContentType<i>, i < n), each URL checked with MediaURLOK against
// base and account: the media pipeline fetches them with the account's
// credentials, so an address anywhere else is refused. A MediaUrl<n>
// beyond NumMedia is refused too.
func ParseMedia(v url.Values, n int, base, account string) ([]bot.Media, error) {
	var media []bot.Media
	for i := range n {
		u := strings.TrimSpace(v.Get("MediaUrl" + strconv.Itoa(i)))
		ct := strings.ToLower(strings.TrimSpace(v.Get("MediaContentType" + strconv.Itoa(i))))
		if !MediaURLOK(u, base, account) {
			return nil, fmt.Errorf("MediaUrl%d is not this account's media on Twilio", i)
		}
		if len(ct) > 128 || strings.ContainsFunc(ct, func(r rune) bool { return r < 0x20 || r > 0x7e }) {
			return nil, fmt.Errorf("MediaContentType%d", i)
		}
		media = append(media, bot.Media{URL: u, ContentType: ct})
	}
	if v.Get("MediaUrl"+strconv.Itoa(n)) != "" {
		return nil, fmt.Errorf("more MediaUrl than NumMedia")
	}
	return media, nil
}

// MediaURLOK reports whether u is a media resource of account on the
// Twilio API at base: the scheme and host exactly base's, the path under
// /2010-04-01/Accounts/<account>/Messages/ and ending in /Media/<ME sid>,
// no user, query or fragment. Nothing else is ever fetched with the
// account's credentials (server-side request forgery: a webhook signed
// with a leaked token still cannot point the fetcher anywhere else).
func MediaURLOK(u, base, account string) bool {
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
	return ok && ValidSid(msg, "SM", "MM") && ValidSid(media, "ME")
}

// MediaBaseOK reports whether base can be a media host: https and a
// host, or plain http only on a loopback address (a test's fake Twilio).
func MediaBaseOK(base string) bool {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		ip := net.ParseIP(u.Hostname())
		return u.Hostname() == "localhost" || ip != nil && ip.IsLoopback()
	}
	return false
}
