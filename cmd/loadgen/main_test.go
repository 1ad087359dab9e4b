package main

import (
	"net/url"
	"testing"

	"github.com/rightsline/rightsline/bot/sms"
	"github.com/twilio/twilio-go/client"
)

func TestLoopbackOnly(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "https://127.0.0.2"} {
		if err := loopbackOnly(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1:8080", "https://example.org", "http://0.0.0.0:8080", "ftp://127.0.0.1", "127.0.0.1:8080", ""} {
		if err := loopbackOnly(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// TestSignMatchesTwilioValidator: what loadgen signs, the server's
// validator (twilio-go) accepts.
func TestSignMatchesTwilioValidator(t *testing.T) {
	t.Parallel()
	form := url.Values{"Body": {"hola 🏠"}, "From": {"+15551234567"}, "MessageSid": {"SM0123"}}
	u := "http://127.0.0.1:8080/twilio/sms"
	sig := sms.Sign("token", u, form)
	v := client.NewRequestValidator("token")
	params := map[string]string{}
	for k, vs := range form {
		params[k] = vs[0]
	}
	if !v.Validate(u, params, sig) {
		t.Fatal("twilio-go refuses loadgen's signature")
	}
	if v.Validate(u+"/", params, sig) {
		t.Fatal("signature does not cover the URL")
	}
}

func TestOptionsBounds(t *testing.T) {
	t.Parallel()
	base := options{url: "http://127.0.0.1:8080", authToken: "x", accountSid: "AC1", phones: 10, rate: 10, duration: 1, writes: 3, rounds: 1}
	if err := base.check(); err != nil {
		t.Fatal(err)
	}
	if base.concurrency != 10 {
		t.Fatalf("concurrency %d; want capped at phones", base.concurrency)
	}
	for _, mod := range []func(*options){
		func(o *options) { o.phones = maxPhones + 1 },
		func(o *options) { o.rate = maxRate + 1 },
		func(o *options) { o.duration = maxDuration + 1 },
		func(o *options) { o.authToken = "" },
		func(o *options) { o.url = "http://192.168.1.1" },
	} {
		o := base
		o.concurrency = 0
		mod(&o)
		if err := o.check(); err == nil {
			t.Errorf("accepted %+v", o)
		}
	}
}
