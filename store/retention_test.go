package store_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestContractPurge: the schedule deletes messages that belong to no
// report, contacts left with nothing and closed reports past their
// commission's schedule; it keeps a report's own messages, open reports
// and pending queued messages.
func TestContractPurge(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		var a, b store.Contact
		var open, closedX, closedDefault store.Report
		err := s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if a, err = tx.ContactForUpdate(ctx, "sms", "+15550301"); err != nil {
				return err
			}
			if b, err = tx.ContactForUpdate(ctx, "sms", "+15550302"); err != nil {
				return err
			}
			msg := func(c store.Contact, body string) int64 {
				m := store.Message{ContactID: c.ID, Direction: "in", Channel: "sms", Body: body}
				if err == nil {
					err = tx.InsertMessage(ctx, &m)
				}
				return m.ID
			}
			msg(a, "loose question")
			first := msg(a, "report")
			last := msg(a, "send")
			msg(b, "only a question")
			if err != nil {
				return err
			}
			if err := tx.UpsertCommission(ctx, store.Commission{ID: "x", Name: "X", Jurisdiction: "x", Active: true}); err != nil {
				return err
			}
			for _, r := range []*store.Report{&open, &closedX, &closedDefault} {
				*r = store.Report{Reference: "P-" + time.Now().Format("150405.000000"), ContactID: a.ID, Channel: "sms", Lang: "en",
					Category: "housing", ContactMethod: "this", Consent: true}
				time.Sleep(time.Microsecond)
			}
			open.FirstMessageID, open.LastMessageID = first, last
			closedX.Status, closedX.CommissionID = store.ReportClosed, "x"
			closedDefault.Status = store.ReportClosed
			for _, r := range []*store.Report{&open, &closedX, &closedDefault} {
				if err := tx.InsertReport(ctx, r); err != nil {
					return err
				}
			}
			_, err = tx.EnqueueOutbound(ctx, &store.Outbound{Channel: "sms", ContactID: a.ID, Address: a.Address, Body: "pending"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		sched := store.Retention{Conversations: 30 * 24 * time.Hour, Delivery: 30 * 24 * time.Hour,
			ClosedReports: 1095 * 24 * time.Hour, ClosedReportsBy: map[string]time.Duration{"x": 10 * 24 * time.Hour}}
		// Nothing is old yet.
		if res, err := s.Purge(ctx, sched, time.Now()); err != nil || res != (store.PurgeResult{}) {
			t.Fatalf("purge now: %+v %v", res, err)
		}
		res, err := s.Purge(ctx, sched, time.Now().Add(40*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if res.Messages != 2 || res.Contacts != 1 || res.Reports != 1 || res.Outbox != 0 {
			t.Fatalf("purge in 40 days: %+v", res)
		}
		if msgs, _ := s.ReportTranscript(ctx, open); len(msgs) != 2 {
			t.Fatalf("the open report kept %d of its 2 messages", len(msgs))
		}
		if all, _ := s.Transcript(ctx, a.ID, 0); len(all) != 2 {
			t.Fatalf("contact a kept %d messages, want the report's 2", len(all))
		}
		if _, err := s.ContactByID(ctx, b.ID); err == nil {
			t.Fatal("the contact with nothing left was kept")
		}
		if _, err := s.ReportByID(ctx, closedX.ID); err == nil {
			t.Fatal("commission x's closed report outlived its 10 days")
		}
		if _, err := s.ReportByID(ctx, closedDefault.ID); err != nil {
			t.Fatalf("the default queue's closed report (1095 days) is gone: %v", err)
		}
		if q, _ := s.OutboundByContact(ctx, a.ID); len(q) != 1 {
			t.Fatalf("pending queued messages: %d, want 1", len(q))
		}
		if len(sched.Rules()) != 4 {
			t.Fatalf("rules: %q", sched.Rules())
		}
	})
}

// TestContractPurgeKeepsOptOut: the purge deletes a contact left with
// nothing, but a person who opted out (STOP) stays opted out: only the
// keyed index of their address is kept, and a new contact for that address
// starts opted out, whether created by ContactForUpdate or by the
// runtime's InConversation (on Postgres its own one-statement creation).
// One who opted back in leaves nothing.
func TestContractPurgeKeepsOptOut(t *testing.T) {
	t.Parallel()
	for _, via := range []string{"ContactForUpdate", "InConversation"} {
		t.Run(via, func(t *testing.T) {
			t.Parallel()
			testPurgeKeepsOptOut(t, via == "InConversation")
		})
	}
}

func testPurgeKeepsOptOut(t *testing.T, viaConversation bool) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		const stopped, restarted, other = "+15550401", "+15550402", "+15550403"
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for _, addr := range []string{stopped, restarted} {
				c, err := tx.ContactForUpdate(ctx, "sms", addr)
				if err != nil {
					return err
				}
				if err := tx.InsertMessage(ctx, &store.Message{ContactID: c.ID, Direction: "in", Channel: "sms", Body: "STOP"}); err != nil {
					return err
				}
				if err := tx.SetContactOptedOut(ctx, c.ID, true); err != nil {
					return err
				}
				if addr == restarted {
					if err := tx.SetContactOptedOut(ctx, c.ID, false); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		sched := store.Retention{Conversations: 30 * 24 * time.Hour}
		res, err := s.Purge(ctx, sched, time.Now().Add(40*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if res.Contacts != 2 || res.Suppressions != 1 || res.Messages != 2 {
			t.Fatalf("purge: %+v; want 2 contacts (1 kept as a suppression), 2 messages", res)
		}
		for _, addr := range []string{stopped, restarted} {
			if _, err := s.ContactByAddress(ctx, "sms", addr); err == nil {
				t.Errorf("contact %s survived the purge", addr)
			}
		}
		// The suppression holds only the keyed index: no number in clear.
		var n int
		var hash string
		if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*), MAX(address_hash) FROM suppressions").Scan(&n, &hash); err != nil || n != 1 {
			t.Fatalf("suppressions: %d %v", n, err)
		}
		if strings.Contains(hash, "5550401") || len(hash) != 64 {
			t.Fatalf("suppression row %q is not a keyed index", hash)
		}
		got := map[string]bool{}
		if viaConversation {
			for _, addr := range []string{stopped, restarted, other} {
				err = s.InConversation(ctx, "sms", addr, func(tx *store.Tx, c store.Contact, state []byte) error {
					got[addr] = c.OptedOut
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		} else {
			err = s.InTx(ctx, func(tx *store.Tx) error {
				for _, addr := range []string{stopped, restarted, other} {
					c, err := tx.ContactForUpdate(ctx, "sms", addr)
					if err != nil {
						return err
					}
					got[addr] = c.OptedOut
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if !got[stopped] || got[restarted] || got[other] {
			t.Fatalf("opted out after the purge: %v; want only %s", got, stopped)
		}
		if c, err := s.ContactByAddress(ctx, "sms", stopped); err != nil || !c.OptedOut {
			t.Fatalf("the stored contact lost its opt-out: %+v %v", c, err)
		}
		// The contact row holds the opt-out again; the suppression is spent.
		if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM suppressions").Scan(&n); err != nil || n != 0 {
			t.Fatalf("suppressions after the contact came back: %d %v", n, err)
		}
	})
}

// TestPostgresPurgeOneAtATime: on Postgres, while another instance holds
// the purge lock a purge skips and deletes nothing; released, it runs. And
// eight purgers started at once on one database delete every row once,
// with one audited run doing the work (the others skip or find nothing).
func TestPostgresPurgeOneAtATime(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, storetest.Postgres)
	ctx := t.Context()
	const people = 40
	for i := 0; i < people; i++ {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			c, err := tx.ContactForUpdate(ctx, "sms", "+1555070"+strconv.Itoa(1000+i))
			if err != nil {
				return err
			}
			return tx.InsertMessage(ctx, &store.Message{ContactID: c.ID, Direction: "in", Channel: "sms", Body: "old question"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sched := store.Retention{Conversations: 24 * time.Hour}
	later := time.Now().Add(48 * time.Hour)

	// Another instance holds the lock (a transaction-scoped advisory lock,
	// as Purge takes it): this purge skips.
	holder, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := holder.ExecContext(ctx, "SELECT pg_advisory_xact_lock("+store.PurgeLock+")"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Purge(ctx, sched, later)
	if err != nil || !res.Skipped || res.Messages != 0 {
		t.Fatalf("purge while another instance holds the lock: %+v %v", res, err)
	}
	// The lock is the schema's: a database in another schema on the same
	// server (another tenant, a parallel test) purges meanwhile.
	other := storetest.Open(t, storetest.Postgres)
	if res, err := other.Purge(ctx, sched, later); err != nil || res.Skipped {
		t.Fatalf("purge of another schema while this one's lock is held: %+v %v", res, err)
	}
	if err := holder.Rollback(); err != nil {
		t.Fatal(err)
	}

	// Eight at once.
	var wg sync.WaitGroup
	results := make([]store.PurgeResult, 8)
	errs := make([]error, 8)
	start := make(chan struct{})
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			results[i], errs[i] = s.Purge(ctx, sched, later)
		}(i)
	}
	close(start)
	wg.Wait()
	var messages, contacts, working, skipped int64
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("purger %d: %v", i, errs[i])
		}
		messages += r.Messages
		contacts += r.Contacts
		if r.Skipped {
			skipped++
		} else if r.Messages > 0 {
			working++
		}
	}
	if messages != people || contacts != people || working != 1 {
		t.Fatalf("8 purgers deleted %d messages and %d contacts (want %d each) in %d working runs (want 1; %d skipped)", messages, contacts, people, working, skipped)
	}
	var audits int
	if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'retention.purge'").Scan(&audits); err != nil || audits != 1 {
		t.Fatalf("%d audited purge runs, want 1 (%v)", audits, err)
	}
	t.Logf("8 purgers at once: 1 did the work, %d skipped on the lock, %d found nothing left", skipped, 7-skipped)
}
