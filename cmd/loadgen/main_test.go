package main

import (
	"net/url"
	"os"
	"runtime"
	"testing"
	"time"

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
		func(o *options) { o.compareURL = "http://192.168.1.1:8081" },
		func(o *options) { o.compareURL = "http://127.0.0.1:8081"; o.skipBaseline = true },
	} {
		o := base
		o.concurrency = 0
		mod(&o)
		if err := o.check(); err == nil {
			t.Errorf("accepted %+v", o)
		}
	}
}

// TestSpread: min/median/max, the median of an even count being the mean
// of the middle two.
func TestSpread(t *testing.T) {
	for _, tc := range []struct {
		v    []float64
		want string
	}{
		{[]float64{3, 1, 2}, "1.0/2.0/3.0"},
		{[]float64{4, 1, 3, 2}, "1.0/2.5/4.0"},
		{[]float64{7}, "7.0/7.0/7.0"},
		{nil, "-"},
	} {
		if got := spread(tc.v, "%.1f"); got != tc.want {
			t.Errorf("spread(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// TestProcessFigures reads this test's own process from /proc: CPU grows
// as it works, and the peak RSS is at least what it holds.
func TestProcessFigures(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc on this system")
	}
	pid := os.Getpid()
	c0, err := processCPU(pid)
	if err != nil {
		t.Fatal(err)
	}
	hold := make([]byte, 64<<20)
	for i := range hold {
		hold[i] = byte(i)
	}
	deadline := time.Now().Add(5 * time.Second)
	c1 := c0
	for c1 <= c0 && time.Now().Before(deadline) {
		for i := range hold {
			hold[i]++
		}
		if c1, err = processCPU(pid); err != nil {
			t.Fatal(err)
		}
	}
	if c1 <= c0 {
		t.Fatalf("CPU did not grow over 5s of work: %v then %v", c0, c1)
	}
	rss, err := peakRSS(pid)
	if err != nil {
		t.Fatal(err)
	}
	if rss < int64(len(hold)) {
		t.Fatalf("peak RSS %d bytes, less than the %d held", rss, len(hold))
	}
	runtime.KeepAlive(hold)
}
