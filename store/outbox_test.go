package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// enqueue creates a contact and enqueues one message for it.
func enqueue(t *testing.T, s *store.Store, channel, address, body string, due time.Time) (store.Contact, int64) {
	t.Helper()
	var c store.Contact
	var id int64
	err := s.InTx(t.Context(), func(tx *store.Tx) error {
		var err error
		if c, err = tx.ContactForUpdate(t.Context(), channel, address); err != nil {
			return err
		}
		id, err = tx.EnqueueOutbound(t.Context(), &store.Outbound{Channel: channel, ContactID: c.ID, Address: c.Address, Body: body, NextAttemptAt: due})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, id
}

func TestOutboxLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c, id := enqueue(t, s, "sms", "+15550000001", "Your report was received.", time.Time{})
		_, later := enqueue(t, s, "sms", "+15550000002", "Later", time.Now().Add(time.Hour))
		enqueue(t, s, "discord", "u1", "Other channel", time.Time{})

		m, err := s.OutboundByID(ctx, id)
		if err != nil || m.Status != store.OutboxPending || m.Attempts != 0 || m.ContactID != c.ID || m.Body != "Your report was received." {
			t.Fatalf("after enqueue: %+v, %v", m, err)
		}

		claim, err := s.ClaimOutbound(ctx, "sms", 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(claim.Rows) != 1 || claim.Rows[0].ID != id || claim.Rows[0].Attempts != 1 || claim.Rows[0].Status != store.OutboxSending {
			t.Fatalf("claim = %+v; want only the due sms row", claim.Rows)
		}
		// Claimed rows are not claimed again while the lease holds.
		again, err := s.ClaimOutbound(ctx, "sms", 10, time.Minute)
		if err != nil || len(again.Rows) != 0 {
			t.Fatalf("second claim = %+v, %v", again.Rows, err)
		}

		if err := s.RetryOutbound(ctx, claim.Token, id, time.Now().Add(-time.Second), "twilio: 500", false); err != nil {
			t.Fatal(err)
		}
		claim2, err := s.ClaimOutbound(ctx, "sms", 10, time.Minute)
		if err != nil || len(claim2.Rows) != 1 || claim2.Rows[0].Attempts != 2 || claim2.Rows[0].LastError != "twilio: 500" {
			t.Fatalf("retry claim = %+v, %v", claim2.Rows, err)
		}
		// The old claim no longer holds the row.
		if err := s.MarkOutboundSent(ctx, claim.Token, id, "SMold"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("stale claim settled: %v", err)
		}
		if err := s.MarkOutboundSent(ctx, claim2.Token, id, "SM123"); err != nil {
			t.Fatal(err)
		}
		m, err = s.OutboundByID(ctx, id)
		if err != nil || m.Status != store.OutboxSent || m.ProviderID != "SM123" || m.SentAt.IsZero() || m.LastError != "" {
			t.Fatalf("after sent: %+v, %v", m, err)
		}
		if _, err := s.OutboundByID(ctx, later); err != nil {
			t.Fatal(err)
		}
		if _, err := s.OutboundByID(ctx, 1<<40); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing row: %v", err)
		}
		rows, err := s.OutboundByContact(ctx, c.ID)
		if err != nil || len(rows) != 1 || rows[0].ID != id {
			t.Fatalf("by contact: %+v, %v", rows, err)
		}
	})
}

func TestOutboxDeferFailSuppress(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		_, a := enqueue(t, s, "sms", "+15550000011", "a", time.Time{})
		_, b := enqueue(t, s, "sms", "+15550000012", "b", time.Time{})
		out, c := enqueue(t, s, "sms", "+15550000013", "c", time.Time{})
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SetContactOptedOut(ctx, out.ID, true) }); err != nil {
			t.Fatal(err)
		}
		claim, err := s.ClaimOutbound(ctx, "sms", 10, time.Minute)
		if err != nil || len(claim.Rows) != 2 || claim.Rows[0].ID != a || claim.Rows[1].ID != b {
			t.Fatalf("claim = %+v, %v; want a and b (c's contact opted out)", claim.Rows, err)
		}
		if m, _ := s.OutboundByID(ctx, c); m.Status != store.OutboxSuppressed {
			t.Fatalf("opted-out row status = %q", m.Status)
		}
		if err := s.DeferOutbound(ctx, claim.Token, a, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if m, _ := s.OutboundByID(ctx, a); m.Status != store.OutboxPending || m.Attempts != 0 {
			t.Fatalf("deferred row: %+v", m)
		}
		if err := s.FailOutbound(ctx, claim.Token, b, "invalid number"); err != nil {
			t.Fatal(err)
		}
		if m, _ := s.OutboundByID(ctx, b); m.Status != store.OutboxFailed || m.LastError != "invalid number" {
			t.Fatalf("failed row: %+v", m)
		}
		if err := s.SuppressOutbound(ctx, claim.Token, b, "x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("settling a finished row: %v", err)
		}
	})
}

// TestOutboxLeaseExpiry: rows claimed by a dispatcher that died are claimed
// again once the lease runs out.
func TestOutboxLeaseExpiry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		_, id := enqueue(t, s, "sms", "+15550000021", "x", time.Time{})
		first, err := s.ClaimOutbound(ctx, "sms", 10, time.Millisecond)
		if err != nil || len(first.Rows) != 1 {
			t.Fatalf("claim: %+v, %v", first.Rows, err)
		}
		time.Sleep(5 * time.Millisecond)
		second, err := s.ClaimOutbound(ctx, "sms", 10, time.Minute)
		if err != nil || len(second.Rows) != 1 || second.Rows[0].ID != id || second.Rows[0].Attempts != 2 {
			t.Fatalf("reclaim: %+v, %v", second.Rows, err)
		}
	})
}

// TestOutboxConcurrentClaims: parallel claimers never get the same row.
func TestOutboxConcurrentClaims(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		const n = 40
		for i := range n {
			enqueue(t, s, "sms", "+1555100"+string(rune('0'+i/10))+string(rune('0'+i%10)), "x", time.Time{})
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					claim, err := s.ClaimOutbound(ctx, "sms", 3, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if len(claim.Rows) == 0 {
						return
					}
					mu.Lock()
					for _, r := range claim.Rows {
						seen[r.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != n {
			t.Fatalf("claimed %d distinct rows; want %d", len(seen), n)
		}
		for id, k := range seen {
			if k != 1 {
				t.Errorf("row %d claimed %d times", id, k)
			}
		}
	})
}

func TestEnqueueOutboundRejects(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, storetest.SQLite)
	err := s.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := tx.EnqueueOutbound(t.Context(), &store.Outbound{Channel: "sms", ContactID: 1, Address: "+1555"})
		return err
	})
	if err == nil {
		t.Fatal("empty body accepted")
	}
}

func TestDeliveryStatusNeverMovesBack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		_, id := enqueue(t, s, "sms", "+15550000031", "x", time.Time{})
		claim, err := s.ClaimOutbound(ctx, "sms", 1, time.Minute)
		if err != nil || len(claim.Rows) != 1 {
			t.Fatal(claim, err)
		}
		if err := s.MarkOutboundSent(ctx, claim.Token, id, "SMabc"); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			status  string
			rank    int
			applied bool
		}{
			{"sent", 3, true},
			{"delivered", 4, true},
			{"sent", 3, false}, // late callback
			{"queued", 1, false},
		}
		for _, st := range steps {
			got, err := s.RecordDeliveryStatus(ctx, store.DeliveryReport{Channel: "sms", ProviderID: "SMabc", Status: st.status, Rank: st.rank})
			if err != nil || got != st.applied {
				t.Fatalf("%s: applied=%v err=%v; want %v", st.status, got, err, st.applied)
			}
		}
		r, err := s.DeliveryStatus(ctx, "sms", "SMabc")
		if err != nil || r.Status != "delivered" {
			t.Fatalf("stored %+v, %v", r, err)
		}
		m, _ := s.OutboundByID(ctx, id)
		if m.DeliveryStatus != "delivered" {
			t.Fatalf("outbox delivery status %q", m.DeliveryStatus)
		}
		// A report for a message we never stored (a TwiML reply) is kept too.
		if ok, err := s.RecordDeliveryStatus(ctx, store.DeliveryReport{Channel: "sms", ProviderID: "SMreply", Status: "undelivered", Rank: 4, ErrorCode: "30003"}); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if _, err := s.DeliveryStatus(ctx, "sms", "SMnone"); !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
	})
}
