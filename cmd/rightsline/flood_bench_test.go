package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot/sms"
)

// BenchmarkWebhookDuringLoginFlood measures the SMS webhook's latency
// while 16 goroutines post bogus console sign-ins as fast as they can,
// each from a different address (a botnet: the per-address limit does not
// stop them, so every one costs a bcrypt comparison at the production
// cost). It prints the webhook's median latency alone and under the
// flood, and their ratio; the hashing pool keeps bcrypt to half the cores
// so the ratio stays small (the issue saw 1.8 ms become 151 ms).
//
//	go test -run '^$' -bench WebhookDuringLoginFlood -benchtime 200x ./cmd/rightsline/
func BenchmarkWebhookDuringLoginFlood(b *testing.B) {
	a := newTestApp(b, "sqlite:"+filepath.Join(b.TempDir(), "flood.db"), false)
	defer a.Close()
	a.cfg.TwilioAccountSID = "AC0123456789abcdef0123456789abcdef"
	a.cfg.TwilioAuthToken = "12345678901234567890123456789012"
	a.cfg.TwilioFrom = "+12025550100"
	a.cfg.PublicBaseURL = "https://rightsline.example.org"
	a.cfg.SMSRateLimitPerMinute = 1 << 30
	a.cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	a.clientIPFn = clientIPFunc(a.cfg.TrustedProxies)
	h, err := newHandler(a)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	var seq atomic.Int64
	webhook := func() time.Duration {
		n := seq.Add(1)
		form := url.Values{"From": {fmt.Sprintf("+1202555%04d", n%10000)}, "To": {"+12025550100"}, "Body": {"menu"},
			"MessageSid": {fmt.Sprintf("SM%032x", n)}, "AccountSid": {a.cfg.TwilioAccountSID}, "NumMedia": {"0"}}
		req, _ := http.NewRequest("POST", srv.URL+sms.InboundPath, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", sms.Sign(a.cfg.TwilioAuthToken, a.cfg.PublicBaseURL+sms.InboundPath, form))
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("webhook: %d", resp.StatusCode)
		}
		return time.Since(start)
	}
	median := func(n int) time.Duration {
		ds := make([]time.Duration, n)
		for i := range ds {
			ds[i] = webhook()
		}
		slices.Sort(ds)
		return ds[n/2]
	}
	n := max(b.N, 20)
	for range 10 {
		webhook() // warm up
	}
	quiet := median(n)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var logins atomic.Int64
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jar := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				// A fresh form token, then a bogus sign-in, from a new address.
				ip := fmt.Sprintf("10.%d.%d.%d", g, (i/250)%250, i%250)
				get, _ := http.NewRequest("GET", srv.URL+"/console/login", nil)
				get.Header.Set("X-Forwarded-For", ip)
				resp, err := jar.Do(get)
				if err != nil {
					return
				}
				resp.Body.Close()
				var token string
				for _, c := range resp.Cookies() {
					if c.Name == "rl_console_login" {
						token = c.Value
					}
				}
				form := url.Values{"csrf": {token}, "email": {fmt.Sprintf("nobody%d@example.org", i)}, "password": {"wrong password guess"}}
				post, _ := http.NewRequest("POST", srv.URL+"/console/login", strings.NewReader(form.Encode()))
				post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				post.Header.Set("X-Forwarded-For", ip)
				post.AddCookie(&http.Cookie{Name: "rl_console_login", Value: token})
				if resp, err := jar.Do(post); err == nil {
					resp.Body.Close()
					logins.Add(1)
				}
			}
		}()
	}
	time.Sleep(500 * time.Millisecond) // let the flood build
	b.ResetTimer()
	start := time.Now()
	flood := median(n)
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(quiet.Microseconds())/1000, "p50-quiet-ms")
	b.ReportMetric(float64(flood.Microseconds())/1000, "p50-flood-ms")
	b.ReportMetric(float64(flood)/float64(quiet), "flood/quiet")
	b.ReportMetric(float64(logins.Load())/elapsed.Seconds(), "bogus-logins/s")
}
