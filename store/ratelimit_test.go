package store_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// clock is a settable clock for SetClock.
type clock struct{ t atomic.Int64 }

func newClock(t time.Time) *clock    { c := &clock{}; c.t.Store(t.UnixNano()); return c }
func (c *clock) now() time.Time      { return time.Unix(0, c.t.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.t.Add(int64(d)) }

func TestContractRateLimitCountsAndResets(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		clk := newClock(time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC))
		s.SetClock(clk.now)
		lim := store.Limit{Name: "test", Max: 3, Window: time.Minute}
		var got []store.Verdict
		for range 5 {
			v, err := s.Allow(ctx, lim, "+12025550123")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		for i, v := range got {
			if v.Count != int64(i+1) || v.Allowed != (i < 3) || v.FirstRefusal != (i == 3) {
				t.Errorf("hit %d: %+v", i+1, v)
			}
			if v.RetryAfter != 50*time.Second {
				t.Errorf("hit %d: retry after %v, want 50s (the window ends at 12:01:00)", i+1, v.RetryAfter)
			}
		}
		// Another subject and another limit count on their own.
		if v, _ := s.Allow(ctx, lim, "+12025550124"); !v.Allowed || v.Count != 1 {
			t.Errorf("other subject: %+v", v)
		}
		if v, _ := s.Allow(ctx, store.Limit{Name: "other", Max: 1, Window: time.Minute}, "+12025550123"); !v.Allowed {
			t.Errorf("other limit: %+v", v)
		}
		// The next window starts again.
		clk.add(50 * time.Second)
		if v, _ := s.Allow(ctx, lim, "+12025550123"); !v.Allowed || v.Count != 1 {
			t.Errorf("next window: %+v", v)
		}
		// An instance whose clock lags a window counts in the newer one.
		clk.add(-time.Minute)
		if v, _ := s.Allow(ctx, lim, "+12025550123"); v.Count != 2 {
			t.Errorf("lagging clock: %+v, want count 2 in the stored window", v)
		}
	})
}

func TestContractRateLimitStoresNoSubject(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		if _, err := s.Allow(ctx, store.Limit{Name: "sms-sender", Max: 5, Window: time.Minute}, "+12025550199"); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "rate_limits", ""); n != 1 {
			t.Fatalf("%d rows, want 1", n)
		}
		if n := count(t, s, "rate_limits", "bucket LIKE $1", "%2025550199%"); n != 0 {
			t.Error("the phone number is stored in clear in rate_limits")
		}
	})
}

func TestContractRateLimitPurge(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		clk := newClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
		s.SetClock(clk.now)
		for _, ip := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.3"} {
			if _, err := s.Allow(ctx, store.Limit{Name: "ip", Max: 5, Window: time.Minute}, ip); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Allow(ctx, store.Limit{Name: "ip-hour", Max: 5, Window: time.Hour}, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		n, err := s.PurgeRateLimits(ctx, clk.now().Add(2*time.Minute))
		if err != nil || n != 3 {
			t.Fatalf("purged %d (%v), want the 3 ended minute windows", n, err)
		}
		if left := count(t, s, "rate_limits", ""); left != 1 {
			t.Errorf("%d rows left, want the hour window", left)
		}
	})
}

func TestContractRateLimitBadLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		for _, lim := range []store.Limit{{Max: 1, Window: time.Minute}, {Name: "x", Window: time.Minute}, {Name: "x", Max: 1, Window: time.Millisecond}} {
			if _, err := s.Allow(t.Context(), lim, "a"); !errors.Is(err, store.ErrBadLimit) {
				t.Errorf("%+v: %v, want ErrBadLimit", lim, err)
			}
		}
	})
}

// Two instances on one database share the count exactly: a burst of
// concurrent hits through both lets exactly Max through.
func TestContractRateLimitSharedByInstances(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		s2 := reopen(t, s)
		lim := store.Limit{Name: "burst", Max: 25, Window: time.Hour}
		var allowed, first atomic.Int64
		var wg sync.WaitGroup
		for i := range 80 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st := s
				if i%2 == 1 {
					st = s2
				}
				v, err := st.Allow(ctx, lim, "198.51.100.7")
				if err != nil {
					t.Error(err)
					return
				}
				if v.Allowed {
					allowed.Add(1)
				}
				if v.FirstRefusal {
					first.Add(1)
				}
			}()
		}
		wg.Wait()
		if allowed.Load() != 25 || first.Load() != 1 {
			t.Errorf("allowed %d, first refusals %d; want 25 and 1", allowed.Load(), first.Load())
		}
	})
}
