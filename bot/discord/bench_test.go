package discord

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/store/storetest"
)

// BenchmarkSignedClick measures one button click as Discord delivers it:
// signature check, the conversation step committed to the database, and the
// rendered answer. Discord allows 3 seconds; p95-ms is the figure to watch.
//
//	go test ./bot/discord -run '^$' -bench SignedClick -benchtime 2000x
func BenchmarkSignedClick(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend, func(b *testing.B) { benchmarkSignedClick(b, backend) })
	}
}

func benchmarkSignedClick(b *testing.B, backend string) {
	h := newHarness(b, backend)
	m := member{id: "799000000000000001", locale: "es-ES", guild: "800000000000000099"}
	response(b, h.do(m.command(h, cmdRights)))
	clicks := []string{customID(kindChoice, flows.StateMenu, "1"), customID(kindWord, "housing.menu", "menu")}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body, _ := json.Marshal(m.click(h, clicks[i%2]))
		req := h.sign(body, h.now, h.priv)
		start := time.Now()
		w := h.serve(req)
		lat = append(lat, time.Since(start))
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}
