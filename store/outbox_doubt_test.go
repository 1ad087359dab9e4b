package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// enqueueFor queues one more message for an existing contact.
func enqueueFor(t *testing.T, s *store.Store, c store.Contact, body, key string) (int64, error) {
	t.Helper()
	var id int64
	err := s.InTx(t.Context(), func(tx *store.Tx) error {
		var err error
		id, err = tx.EnqueueOutbound(t.Context(), &store.Outbound{Channel: c.Channel, ContactID: c.ID, Address: c.Address, Body: body, DedupeKey: key})
		return err
	})
	return id, err
}

// A claim holds only the oldest unfinished row of each contact, so one
// person's messages go out in order across retries and crashes; a row
// whose claimer died comes back in doubt; a heartbeat keeps a lease.
func TestOutboxOrderDoubtAndHeartbeat(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		a, a1 := enqueue(t, s, "sms", "+15550001001", "a1", time.Time{})
		a2, err := enqueueFor(t, s, a, "a2", "")
		if err != nil {
			t.Fatal(err)
		}
		_, b1 := enqueue(t, s, "sms", "+15550001002", "b1", time.Time{})

		claim, err := s.ClaimOutbound(ctx, "sms", 10, 50*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(claim.Rows); len(got) != 2 || got[0] != a1 || got[1] != b1 {
			t.Fatalf("first claim = %v; want the head of each contact's queue [%d %d]", got, a1, b1)
		}
		for _, r := range claim.Rows {
			if r.InDoubt {
				t.Fatalf("row %d in doubt on its first claim", r.ID)
			}
		}
		// The heartbeat extends the lease; the claim then still holds both.
		if n, err := s.ExtendOutboundClaim(ctx, claim.Token, time.Now().Add(time.Hour)); err != nil || n != 2 {
			t.Fatalf("ExtendOutboundClaim = %d, %v; want 2 rows", n, err)
		}
		if again, err := s.ClaimOutbound(ctx, "sms", 10, time.Minute); err != nil || len(again.Rows) != 0 {
			t.Fatalf("claim during a renewed lease = %v, %v; want nothing (a2 waits behind a1)", ids(again.Rows), err)
		}
		// b1 is sent; a1's claimer "dies": its lease runs out.
		if err := s.MarkOutboundSent(ctx, claim.Token, b1, "SMb1"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ExtendOutboundClaim(ctx, claim.Token, time.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		retaken, err := s.ClaimOutbound(ctx, "sms", 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(retaken.Rows) != 1 || retaken.Rows[0].ID != a1 || !retaken.Rows[0].InDoubt || retaken.Rows[0].Attempts != 2 {
			t.Fatalf("after the lease ran out = %+v; want a1 alone, in doubt, attempt 2", retaken.Rows)
		}
		// A retry after a timeout stays in doubt; a2 still waits behind it.
		if err := s.RetryOutbound(ctx, retaken.Token, a1, time.Now().Add(-time.Millisecond), "timeout", true); err != nil {
			t.Fatal(err)
		}
		third, err := s.ClaimOutbound(ctx, "sms", 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(third.Rows) != 1 || third.Rows[0].ID != a1 || !third.Rows[0].InDoubt {
			t.Fatalf("after a retry in doubt = %+v; want a1 in doubt (a2 behind it)", third.Rows)
		}
		// The status callback naming a1 arrives: a1 is sent, its claim
		// cannot overwrite that, and a2 is next.
		if err := s.RecordOutboundCallback(ctx, "sms", a1, "SMa1"); err != nil {
			t.Fatal(err)
		}
		if err := s.RetryOutbound(ctx, third.Token, a1, time.Now(), "late", false); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("settling a row the callback recorded = %v; want ErrNotFound", err)
		}
		m, err := s.OutboundByID(ctx, a1)
		if err != nil || m.Status != store.OutboxSent || m.ProviderID != "SMa1" || m.InDoubt || m.SentAt.IsZero() {
			t.Fatalf("a1 after its callback = %+v, %v", m, err)
		}
		if err := s.RecordOutboundCallback(ctx, "sms", a1, "SMother"); err != nil {
			t.Fatal(err)
		}
		if m, _ := s.OutboundByID(ctx, a1); m.ProviderID != "SMa1" || m.Status != store.OutboxSent {
			t.Fatalf("a second callback changed a1: %+v", m)
		}
		if err := s.RecordOutboundCallback(ctx, "sms", 1<<40, "SMx"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("callback for no row = %v; want ErrNotFound", err)
		}
		last, err := s.ClaimOutbound(ctx, "sms", 10, time.Minute)
		if err != nil || len(last.Rows) != 1 || last.Rows[0].ID != a2 || last.Rows[0].InDoubt {
			t.Fatalf("last claim = %+v, %v; want a2, not in doubt", last.Rows, err)
		}
		taken, err := s.OutboundProviderIDs(ctx, "sms", a.ID)
		if err != nil || !taken["SMa1"] || len(taken) != 1 {
			t.Fatalf("OutboundProviderIDs = %v, %v; want SMa1", taken, err)
		}
	})
}

// A dedupe key enqueues once; the transaction stays usable after the
// refusal (Postgres aborts a transaction on a unique violation otherwise).
func TestOutboxDedupeKey(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c, _ := enqueue(t, s, "sms", "+15550001003", "first", time.Time{})
		if _, err := enqueueFor(t, s, c, "reply", "reply:sms:SM1"); err != nil {
			t.Fatal(err)
		}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.EnqueueOutbound(ctx, &store.Outbound{Channel: "sms", ContactID: c.ID, Address: c.Address, Body: "reply", DedupeKey: "reply:sms:SM1"})
			if !errors.Is(err, store.ErrDuplicate) {
				t.Errorf("second enqueue with the key = %v; want ErrDuplicate", err)
			}
			_, err = tx.EnqueueOutbound(ctx, &store.Outbound{Channel: "sms", ContactID: c.ID, Address: c.Address, Body: "other", DedupeKey: "reply:sms:SM2"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.OutboundByContact(ctx, c.ID)
		if err != nil || len(rows) != 3 {
			t.Fatalf("rows = %d, %v; want 3 (first, reply, other)", len(rows), err)
		}
	})
}

func ids(rows []store.Outbound) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}
