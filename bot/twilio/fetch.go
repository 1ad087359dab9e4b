package twilio

import (
	"net"
	"net/url"
	"strings"

	"github.com/rightsline/rightsline/bot/media"
)

// MediaFetcher fetches an account's media (MMS and WhatsApp) for the
// media worker (bot/media), with the account's credentials (HTTP basic
// auth: account SID and auth token), sent only to the API host. A media
// URL is fetched only when it is one the channel accepted (MediaURLOK:
// the account's media resource on Twilio's API at base), and Twilio's
// redirect to the file is followed only to Twilio's media storage
// (MediaRedirectOK). With a loopback base (tests, TWILIO_MEDIA_BASE_URL)
// the fake may answer on loopback.
func MediaFetcher(base, accountSID, authToken string) *media.HTTPFetcher {
	base = strings.TrimRight(base, "/")
	if base == "" {
		base = DefaultMediaBaseURL
	}
	b, _ := url.Parse(base)
	loopback := b.Scheme == "http"
	return &media.HTTPFetcher{
		Allowed: func(u *url.URL) bool {
			if u.Scheme == b.Scheme && strings.EqualFold(u.Host, b.Host) {
				return loopback || u.RawQuery == "" && MediaURLOK(u.String(), base, accountSID)
			}
			return !loopback && MediaRedirectOK(u)
		},
		User: accountSID, Password: authToken, CredentialHost: b.Hostname(),
		AllowLoopback: loopback,
	}
}

// MediaRedirectOK: where Twilio's media resource redirects to (a
// short-lived signed URL of the file): its CDN hosts, or its bucket on
// Amazon S3.
func MediaRedirectOK(u *url.URL) bool {
	if u.Scheme != "https" || u.Port() != "" || u.User != nil || net.ParseIP(u.Hostname()) != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	switch {
	case h == "twiliocdn.com" || strings.HasSuffix(h, ".twiliocdn.com"):
		return true
	case (h == "s3.amazonaws.com" || strings.HasPrefix(h, "s3-") && strings.HasSuffix(h, ".amazonaws.com")) &&
		strings.HasPrefix(u.Path, "/media.twiliocdn.com/"):
		return true
	}
	return false
}
