package store_test

import (
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// BenchmarkInTxStep measures the runtime's transaction for one inbound
// message: lock the contact, load its conversation, store the inbound
// message, save the conversation, store the reply. "serial" handles one
// message at a time for one contact; "parallel" has GOMAXPROCS goroutines
// each handling messages for their own contact. Reported as msgs/s.
//
//	go test -run '^$' -bench BenchmarkInTxStep -benchtime 3s ./store/
//
// With TEST_DATABASE_URL set the postgres variants run too.
func BenchmarkInTxStep(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend, func(b *testing.B) {
			b.Run("serial", func(b *testing.B) {
				s := storetest.Open(b, backend)
				var ext atomic.Int64
				n := 0
				for b.Loop() {
					if err := step(b, s, "+15559000", &ext); err != nil {
						b.Fatal(err)
					}
					n++
				}
				b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
			})
			b.Run("parallel", func(b *testing.B) {
				s := storetest.Open(b, backend)
				var ext, worker, total atomic.Int64
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					address := "+1555" + strconv.FormatInt(9100+worker.Add(1), 10)
					for pb.Next() {
						if err := step(b, s, address, &ext); err != nil {
							b.Error(err)
							return
						}
						total.Add(1)
					}
				})
				b.ReportMetric(float64(total.Load())/b.Elapsed().Seconds(), "msgs/s")
			})
		})
	}
}

// step is one message's transaction, as the runtime runs it.
func step(b *testing.B, s *store.Store, address string, ext *atomic.Int64) error {
	ctx := b.Context()
	return s.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.ContactForUpdate(ctx, "sms", address)
		if err != nil {
			return err
		}
		state, err := tx.LoadConversation(ctx, c.ID)
		if errors.Is(err, store.ErrNotFound) {
			state = []byte(`{"flow":"main","step":"menu","vars":{}}`)
		} else if err != nil {
			return err
		}
		in := store.Message{
			ContactID: c.ID, Direction: store.DirectionIn, Channel: "sms",
			Body: "2", ExternalID: fmt.Sprintf("SMbench%d", ext.Add(1)), Status: "received",
		}
		if err := tx.InsertMessage(ctx, &in); err != nil {
			return err
		}
		if err := tx.SaveConversation(ctx, c.ID, state, time.Now()); err != nil {
			return err
		}
		out := store.Message{
			ContactID: c.ID, Direction: store.DirectionOut, Channel: "sms",
			Body: "You have the right to a safe home. Reply 1 for more.", InReplyTo: in.ID, Status: "queued",
		}
		return tx.InsertMessage(ctx, &out)
	})
}

// BenchmarkRateLimitAllow measures one rate-limit hit (one statement),
// next to BenchmarkInTxStep's message transaction for scale, over 1,000
// subjects so rows are both inserted and updated.
//
//	go test -run '^$' -bench 'BenchmarkRateLimitAllow|BenchmarkInTxStep/.*/serial' ./store/
func BenchmarkRateLimitAllow(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend, func(b *testing.B) {
			s := storetest.Open(b, backend)
			lim := store.Limit{Name: "bench", Max: 1 << 30, Window: time.Hour}
			i := 0
			for b.Loop() {
				if _, err := s.Allow(b.Context(), lim, strconv.Itoa(i%1000)); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "hits/s")
		})
	}
}
