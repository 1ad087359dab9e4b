package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// recorder is a Sender that records each message and answers from a script
// of errors (nil: success).
type recorder struct {
	mu     sync.Mutex
	sent   []store.Outbound
	script []error
}

func (r *recorder) Send(_ context.Context, m store.Outbound) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var err error
	if len(r.script) > 0 {
		err, r.script = r.script[0], r.script[1:]
	}
	r.sent = append(r.sent, m)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("SM%03d", len(r.sent)), nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}

func newDispatcher(s *store.Store) *outbox.Dispatcher {
	d := outbox.New(s, slog.New(slog.DiscardHandler))
	d.BaseBackoff, d.MaxBackoff = time.Millisecond, time.Millisecond
	d.MaxAttempts = 3
	d.PerAddressPerMinute = 0
	return d
}

func enqueue(t *testing.T, s *store.Store, channel, address, body string) (store.Contact, int64) {
	t.Helper()
	var c store.Contact
	var id int64
	err := s.InTx(t.Context(), func(tx *store.Tx) error {
		var err error
		if c, err = tx.ContactForUpdate(t.Context(), channel, address); err != nil {
			return err
		}
		id, err = tx.EnqueueOutbound(t.Context(), &store.Outbound{Channel: channel, ContactID: c.ID, Address: address, Body: body})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, id
}

// drain runs the dispatcher until nothing is due for a while.
func drain(t *testing.T, d *outbox.Dispatcher) {
	t.Helper()
	idle := 0
	for range 200 {
		n, err := d.RunOnce(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			if idle++; idle > 3 {
				return
			}
		} else {
			idle = 0
		}
		time.Sleep(3 * time.Millisecond)
	}
	t.Fatal("outbox never drained")
}

func row(t *testing.T, s *store.Store, id int64) store.Outbound {
	t.Helper()
	m, err := s.OutboundByID(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDispatcher(t *testing.T) {
	t.Parallel()
	transient := errors.New("twilio: HTTP 503")
	cases := []struct {
		name         string
		script       []error
		optedOut     bool
		wantStatus   string
		wantSends    int
		wantAttempts int
		wantProvider bool
		wantOptOut   bool
	}{
		{name: "sent first time", wantStatus: store.OutboxSent, wantSends: 1, wantAttempts: 1, wantProvider: true},
		{name: "retried then sent", script: []error{transient, transient}, wantStatus: store.OutboxSent, wantSends: 3, wantAttempts: 3, wantProvider: true},
		{name: "gives up after max attempts", script: []error{transient, transient, transient, transient}, wantStatus: store.OutboxFailed, wantSends: 3, wantAttempts: 3},
		{name: "permanent error fails at once", script: []error{outbox.Permanent(errors.New("twilio 21211: invalid To"))}, wantStatus: store.OutboxFailed, wantSends: 1, wantAttempts: 1},
		{name: "provider says opted out", script: []error{fmt.Errorf("twilio 21610: %w", outbox.ErrOptedOut)}, wantStatus: store.OutboxSuppressed, wantSends: 1, wantAttempts: 1, wantOptOut: true},
		{name: "opted-out contact never sent", optedOut: true, wantStatus: store.OutboxSuppressed, wantSends: 0, wantAttempts: 0, wantOptOut: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				t.Parallel()
				c, id := enqueue(t, s, "sms", "+15550001000", "Staff update")
				if tc.optedOut {
					if err := s.InTx(t.Context(), func(tx *store.Tx) error { return tx.SetContactOptedOut(t.Context(), c.ID, true) }); err != nil {
						t.Fatal(err)
					}
				}
				rec := &recorder{script: tc.script}
				d := newDispatcher(s)
				d.Register("sms", rec)
				drain(t, d)
				m := row(t, s, id)
				if m.Status != tc.wantStatus || rec.count() != tc.wantSends || m.Attempts != tc.wantAttempts || (m.ProviderID != "") != tc.wantProvider {
					t.Fatalf("row %+v after %d sends; want status %s, %d sends, %d attempts", m, rec.count(), tc.wantStatus, tc.wantSends, tc.wantAttempts)
				}
				if tc.wantSends > 0 && rec.sent[0].Body != "Staff update" {
					t.Fatalf("sent %+v", rec.sent[0])
				}
				got, err := s.ContactByID(t.Context(), c.ID)
				if err != nil || got.OptedOut != tc.wantOptOut {
					t.Fatalf("contact opted out = %v, %v; want %v", got.OptedOut, err, tc.wantOptOut)
				}
			})
		})
	}
}

// TestDispatcherSendRate: a second message to the same address within the
// rate's interval waits, without using up an attempt; other addresses and
// channels without a Sender are unaffected.
func TestDispatcherSendRate(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, storetest.SQLite)
	_, a1 := enqueue(t, s, "sms", "+15550002000", "one")
	_, a2 := enqueue(t, s, "sms", "+15550002000", "two")
	_, b1 := enqueue(t, s, "sms", "+15550002001", "three")
	_, dm := enqueue(t, s, "discord", "u-1", "dm")
	rec := &recorder{}
	d := newDispatcher(s)
	d.PerAddressPerMinute = 1
	d.Register("sms", rec)
	drain(t, d)
	if got := row(t, s, a1).Status; got != store.OutboxSent {
		t.Fatalf("first to address: %s", got)
	}
	if got := row(t, s, b1).Status; got != store.OutboxSent {
		t.Fatalf("other address: %s", got)
	}
	m := row(t, s, a2)
	if m.Status != store.OutboxPending || m.Attempts != 0 || time.Until(m.NextAttemptAt) < 50*time.Second {
		t.Fatalf("second to same address: %+v; want pending about a minute later, no attempt counted", m)
	}
	if got := row(t, s, dm).Status; got != store.OutboxPending {
		t.Fatalf("row of a channel without Sender: %s", got)
	}
	if rec.count() != 2 {
		t.Fatalf("sent %d", rec.count())
	}
}

// TestDispatcherRunStops: Run returns when its context ends.
func TestDispatcherRunStops(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, storetest.SQLite)
	_, id := enqueue(t, s, "sms", "+15550003000", "x")
	rec := &recorder{}
	d := newDispatcher(s)
	d.PollInterval = time.Millisecond
	d.Register("sms", rec)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	for rec.count() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for row(t, s, id).Status != store.OutboxSent {
		time.Sleep(time.Millisecond)
	}
}
