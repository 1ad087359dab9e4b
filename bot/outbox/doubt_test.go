package outbox_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// looker is a recorder that can also say what the provider holds.
type looker struct {
	*recorder
	has     map[string]string // body → provider id the provider holds
	lookups int
}

func (l *looker) Lookup(_ context.Context, m store.Outbound, _ time.Time, taken map[string]bool) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lookups++
	if id := l.has[m.Body]; id != "" && !taken[id] {
		return id, nil
	}
	return "", nil
}

// An in-doubt row (its dispatcher died mid-send) is looked up before it is
// sent again: one the provider has is recorded as sent and not sent; one
// it lacks is sent once. A row that timed out is in doubt too.
func TestInDoubtRowsAreLookedUpNotResent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		_, had := enqueue(t, s, "sms", "+15550002001", "already with the provider")
		_, lacked := enqueue(t, s, "sms", "+15550002002", "never reached it")
		// A dispatcher claims both and dies: the lease runs out.
		if _, err := s.ClaimOutbound(ctx, "sms", 10, time.Millisecond); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		l := &looker{recorder: &recorder{}, has: map[string]string{"already with the provider": "SMfound"}}
		d := newDispatcher(s)
		d.Lease = 3 * time.Second // the shortest the service allows
		d.Register("sms", l)
		outcomes := map[string]int{}
		var mu sync.Mutex
		d.OnInDoubt = func(_, o string) { mu.Lock(); outcomes[o]++; mu.Unlock() }
		drain(t, d)
		if m := row(t, s, had); m.Status != store.OutboxSent || m.ProviderID != "SMfound" {
			t.Fatalf("row the provider had = %+v; want sent as SMfound", m)
		}
		if m := row(t, s, lacked); m.Status != store.OutboxSent || m.ProviderID == "SMfound" {
			t.Fatalf("row the provider lacked = %+v; want sent", m)
		}
		if l.count() != 1 || l.sent[0].Body != "never reached it" {
			t.Fatalf("sent %d messages (%v); want only the one the provider lacked", l.count(), l.sent)
		}
		if l.lookups != 2 || outcomes["found"] != 1 || outcomes["resent"] != 1 {
			t.Fatalf("lookups %d, outcomes %v", l.lookups, outcomes)
		}

		// A timeout leaves the row in doubt: the next attempt asks first.
		_, timedOut := enqueue(t, s, "sms", "+15550002003", "slow network")
		l2 := &looker{recorder: &recorder{script: []error{context.DeadlineExceeded}}, has: map[string]string{}}
		d2 := newDispatcher(s)
		d2.Register("sms", l2)
		if _, err := d2.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if m := row(t, s, timedOut); m.Status != store.OutboxPending {
			t.Fatalf("after a timeout: %+v", m)
		}
		l2.has["slow network"] = "SMlate" // Twilio took it after all
		time.Sleep(5 * time.Millisecond)
		drain(t, d2)
		if m := row(t, s, timedOut); m.Status != store.OutboxSent || m.ProviderID != "SMlate" || l2.count() != 1 {
			t.Fatalf("after the retry: %+v, %d sends; want recorded as SMlate with no second send", m, l2.count())
		}
	})
}

// syncLog is a log sink safe for the dispatcher's goroutines.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncLog) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncLog) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// During a database outage the dispatcher logs one ERROR when it begins
// and one line when it ends, not one per poll, and says so to OnOutage.
func TestOutageIsLoggedOnce(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, storetest.SQLite)
	var logs syncLog
	d := outbox.New(s, slog.New(slog.NewTextHandler(&logs, nil)))
	d.PollInterval = 5 * time.Millisecond
	d.Register("sms", &recorder{})
	var mu sync.Mutex
	var changes []bool
	d.OnOutage = func(failing bool) { mu.Lock(); changes = append(changes, failing); mu.Unlock() }
	if err := s.Close(); err != nil { // the database goes away
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	if err := <-done; err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatal(err)
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 {
		t.Fatalf("%d ERROR lines over ~60 failing polls; want 1:\n%s", n, logs.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(changes) != 1 || !changes[0] {
		t.Fatalf("OnOutage calls = %v; want [true]", changes)
	}
}
