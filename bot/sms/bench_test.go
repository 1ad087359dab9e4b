package sms

import (
	"fmt"
	"github.com/rightsline/rightsline/bot/twilio"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rightsline/rightsline/store/storetest"
)

// BenchmarkInbound measures one signed webhook through the whole channel
// (signature, form, runtime transaction, TwiML) on each backend, phones
// mid-conversation; run with -cpuprofile to see where the time goes.
//
//	TEST_DATABASE_URL=postgres://… go test ./bot/sms -run - -bench Inbound -cpuprofile cpu.out
func BenchmarkInbound(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend, func(b *testing.B) {
			f := newFixture(b, storetest.Open(b, backend), func(c *Config) { c.RateLimitPerMinute = 1 << 30 })
			// The free-text models are built in the background from New:
			// not in the timed loop.
			f.h.rt.Engine.WarmNow()
			b.ResetTimer()
			script := []string{"hello", "1", "1", "MORE", "BACK", "2", "MENU", "3", "1", "SOURCE", "MENU"}
			var n atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				phone := fmt.Sprintf("+1202%07d", n.Add(1))
				i := 0
				for pb.Next() {
					form := inbound(phone, script[i%len(script)], newSid())
					i++
					req := httptest.NewRequest(http.MethodPost, InboundPath, strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("X-Twilio-Signature", twilio.Sign(testToken, testBase+InboundPath, form))
					rec := httptest.NewRecorder()
					f.mux.ServeHTTP(rec, req)
					if rec.Code != 200 {
						b.Fatalf("status %d", rec.Code)
					}
				}
			})
		})
	}
}
