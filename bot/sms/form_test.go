package sms

import (
	"errors"
	"strings"
	"testing"
)

// TestParseInboundMedia: MediaUrl<i>/MediaContentType<i> become the
// message's media, in order; a URL anywhere but this account's media on
// Twilio's API host (another host, another account, plain http, a query,
// user info, a path that is not a media resource, a look-alike host) is a
// malformed form, as are more than ten media or more URLs than NumMedia.
func TestParseInboundMedia(t *testing.T) {
	t.Parallel()
	cfg := Config{AccountSID: testAccount}
	form := inbound("+12025550123", "photos", newSid())
	urls := withMedia(form, DefaultMediaBaseURL, "image/jpeg", 2)
	form.Set("MediaContentType1", "Application/PDF")
	f, err := parseInbound(form, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Media) != 2 || f.Media[0].URL != urls[0] || f.Media[1].URL != urls[1] || f.Media[0].ContentType != "image/jpeg" || f.Media[1].ContentType != "application/pdf" {
		t.Fatalf("media = %+v", f.Media)
	}

	good := urls[0]
	msg := "MM" + form.Get("MessageSid")[2:]
	bad := map[string]string{
		"another host":      strings.Replace(good, "api.twilio.com", "evil.example.org", 1),
		"look-alike host":   strings.Replace(good, "api.twilio.com", "api.twilio.com.evil.example.org", 1),
		"host with port":    strings.Replace(good, "api.twilio.com", "api.twilio.com:8443", 1),
		"plain http":        strings.Replace(good, "https://", "http://", 1),
		"another account":   strings.Replace(good, testAccount, "AC"+strings.Repeat("f", 32), 1),
		"query":             good + "?x=1",
		"fragment":          good + "#x",
		"user info":         strings.Replace(good, "https://", "https://u:p@", 1),
		"not media":         "https://api.twilio.com/2010-04-01/Accounts/" + testAccount + "/Messages/" + msg + ".json",
		"dot segments":      "https://api.twilio.com/2010-04-01/Accounts/" + testAccount + "/Messages/" + msg + "/Media/../../../../Calls",
		"encoded slash":     strings.Replace(good, "/Media/", "%2FMedia%2F", 1),
		"loopback":          "http://127.0.0.1:8080/2010-04-01/Accounts/" + testAccount + "/Messages/" + msg + "/Media/ME" + strings.Repeat("0", 32),
		"empty":             "",
		"metadata endpoint": "http://169.254.169.254/latest/meta-data/",
	}
	for name, u := range bad {
		v := inbound("+12025550123", "x", newSid())
		withMedia(v, DefaultMediaBaseURL, "image/jpeg", 1)
		v.Set("MediaUrl0", u)
		if _, err := parseInbound(v, cfg); !errors.Is(err, errBadForm) {
			t.Errorf("%s: %q accepted (err %v)", name, u, err)
		}
	}

	v := inbound("+12025550123", "x", newSid())
	withMedia(v, DefaultMediaBaseURL, "image/jpeg", 11)
	if _, err := parseInbound(v, cfg); !errors.Is(err, errBadForm) {
		t.Errorf("11 media accepted: %v", err)
	}
	v = inbound("+12025550123", "x", newSid())
	withMedia(v, DefaultMediaBaseURL, "image/jpeg", 2)
	v.Set("NumMedia", "1")
	if _, err := parseInbound(v, cfg); !errors.Is(err, errBadForm) {
		t.Errorf("more MediaUrl than NumMedia accepted: %v", err)
	}

	// A test's fake Twilio on loopback, when configured.
	fake := Config{AccountSID: testAccount, MediaBaseURL: "http://127.0.0.1:4567"}
	v = inbound("+12025550123", "x", newSid())
	withMedia(v, "http://127.0.0.1:4567", "image/png", 1)
	if f, err := parseInbound(v, fake); err != nil || len(f.Media) != 1 {
		t.Errorf("fake Twilio media refused: %v", err)
	}
	if _, err := parseInbound(v, cfg); !errors.Is(err, errBadForm) {
		t.Errorf("loopback media accepted in production: %v", err)
	}
	for base, ok := range map[string]bool{
		"https://api.twilio.com": true, "http://127.0.0.1:4567": true, "http://localhost:1": true, "http://[::1]:9": true,
		"http://api.twilio.com": false, "http://10.0.0.1": false, "ftp://x": false, "https://x/path": false, "": false,
	} {
		if MediaBaseOK(base) != ok {
			t.Errorf("MediaBaseOK(%q) = %v", base, !ok)
		}
	}
}
