package sms

import (
	"net"
	"net/url"
	"strings"

	"github.com/rightsline/rightsline/bot/media"
)

// MediaFetcher fetches this account's MMS media for the media worker
// (bot/media), with the account's credentials (HTTP basic auth: account
// SID and auth token), sent only to the API host. A media URL is fetched
// only when it is one this channel accepted (mediaURLOK: the account's
// media resource on Twilio's API), and Twilio's redirect to the file is
// followed only to Twilio's media storage (mediaRedirectOK). With a
// loopback TWILIO_MEDIA_BASE_URL (tests) the fake may answer on loopback.
func (c Config) MediaFetcher() *media.HTTPFetcher {
	base, _ := url.Parse(c.mediaBase())
	loopback := base.Scheme == "http"
	return &media.HTTPFetcher{
		Allowed: func(u *url.URL) bool {
			if u.Scheme == base.Scheme && strings.EqualFold(u.Host, base.Host) {
				return u.RawQuery == "" && mediaURLOK(u.String(), c.mediaBase(), c.AccountSID) || loopback
			}
			return !loopback && mediaRedirectOK(u)
		},
		User: c.AccountSID, Password: c.AuthToken, CredentialHost: base.Hostname(),
		AllowLoopback: loopback,
	}
}

// mediaRedirectOK: where Twilio's media resource redirects to (a
// short-lived signed URL of the file): its CDN hosts, or its bucket on
// Amazon S3.
func mediaRedirectOK(u *url.URL) bool {
	if u.Scheme != "https" || u.Port() != "" || net.ParseIP(u.Hostname()) != nil {
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
