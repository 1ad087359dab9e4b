package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestContractMediaClaims: media are kept only with an open intake's
// count, claimed by one claimer at a time (eight concurrent claimers get
// every row once), settled only by the claim that holds them (a stale
// token changes nothing), taken over after the lease runs out, attached
// to the report, and deleted with their message. On both backends.
func TestContractMediaClaims(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		var contactID, first int64
		err := s.InTx(ctx, func(tx *store.Tx) error {
			c, err := tx.ContactForUpdate(ctx, "sms", "+15550061")
			if err != nil {
				return err
			}
			contactID = c.ID
			m := store.Message{ContactID: c.ID, Direction: "in", Channel: "sms", Body: "report"}
			if err := tx.InsertMessage(ctx, &m); err != nil {
				return err
			}
			first = m.ID
			if open, _, err := tx.IntakeMedia(ctx, c.ID); err != nil || open {
				t.Errorf("intake open before it began: %v %v", open, err)
			}
			if err := tx.BeginIntake(ctx, c.ID); err != nil {
				return err
			}
			refs := make([]store.MediaRef, 10)
			for i := range refs {
				refs[i] = store.MediaRef{URL: "https://api.twilio.com/m/" + string(rune('a'+i))}
			}
			if err := tx.InsertMedia(ctx, c.ID, m.ID, "sms", refs, false); err != nil {
				return err
			}
			open, n, err := tx.IntakeMedia(ctx, c.ID)
			if err != nil || !open || n != 10 {
				t.Errorf("intake media: %v %d %v", open, n, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					_, jobs, err := s.ClaimMedia(ctx, 2, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if len(jobs) == 0 {
						return
					}
					mu.Lock()
					for _, j := range jobs {
						seen[j.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != 10 {
			t.Fatalf("%d rows claimed; want 10", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("row %d claimed %d times", id, n)
			}
		}
		// Leases run out: another claimer takes the rows; the first
		// claim's token no longer settles them.
		s.SetClock(func() time.Time { return time.Now().Add(2 * time.Minute) })
		token, jobs, err := s.ClaimMedia(ctx, 10, time.Minute)
		if err != nil || len(jobs) != 10 || jobs[0].Attempts != 2 {
			t.Fatalf("after the lease: %d jobs, %v", len(jobs), err)
		}
		if err := s.StoreMediaData(ctx, "stale-token", jobs[0].ID, "image/jpeg", []byte("x"), false); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a stale token settled a row: %v", err)
		}
		if err := s.StoreMediaData(ctx, token, jobs[0].ID, "image/jpeg", []byte("photo"), true); err != nil {
			t.Fatal(err)
		}
		if err := s.StoreMediaData(ctx, token, jobs[0].ID, "image/jpeg", []byte("again"), true); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a row was settled twice: %v", err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			r := store.Report{Reference: "MC-1", ContactID: contactID, Channel: "sms", Lang: "en", Category: "homelessness", ContactMethod: store.ContactNone, Consent: true}
			if err := tx.InsertReport(ctx, &r); err != nil {
				return err
			}
			n, err := tx.AttachIntakeMedia(ctx, contactID, first, r.ID)
			if err != nil || n != 10 {
				t.Errorf("attached %d, %v", n, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.ReportByReference(ctx, "MC-1")
		if err != nil {
			t.Fatal(err)
		}
		if _, data, err := s.ReportMediaData(ctx, r.ID, jobs[0].ID); err != nil || string(data) != "photo" {
			t.Fatalf("stored bytes %q %v", data, err)
		}
		// Deleting the message deletes its media.
		if _, err := s.DB().ExecContext(ctx, "DELETE FROM messages WHERE id = $1", first); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.ContactMediaCount(ctx, contactID); n != 0 {
			t.Fatalf("%d media outlived their message", n)
		}
	})
}
