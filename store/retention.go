package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Retention is how long the store keeps what it holds. Zero keeps forever.
type Retention struct {
	// Conversations: messages that belong to no report (rights questions,
	// abandoned intakes), idle conversation state, and contacts left with
	// nothing (no report, no message, nothing queued).
	Conversations time.Duration
	// Delivery: outbox rows already sent, failed or suppressed, and
	// providers' delivery statuses.
	Delivery time.Duration
	// ClosedReports: closed reports, counted from their last change; per
	// commission id ("" is the default queue) in ClosedReportsBy, else this.
	ClosedReports   time.Duration
	ClosedReportsBy map[string]time.Duration
}

// Rules describes the schedule in force, a line per rule, for the console.
func (r Retention) Rules() []string {
	days := func(d time.Duration) string {
		if d <= 0 {
			return "kept until erased"
		}
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	}
	out := []string{
		"Messages that belong to no report, idle conversations and contacts with nothing left: " + days(r.Conversations) +
			" (a contact who opted out leaves only a keyed index of the address, so it stays opted out)",
		"Sent, failed or suppressed queued messages and delivery statuses: " + days(r.Delivery),
		"Closed reports (from their last change), by default: " + days(r.ClosedReports),
	}
	ids := make([]string, 0, len(r.ClosedReportsBy))
	for id := range r.ClosedReportsBy {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		name := id
		if name == "" {
			name = "the default queue"
		}
		out = append(out, "Closed reports of "+name+": "+days(r.ClosedReportsBy[id]))
	}
	return out
}

// PurgeResult counts what a purge deleted.
type PurgeResult struct {
	Skipped                                                      bool // another instance holds the purge
	Messages, Conversations, Contacts, Outbox, Statuses, Reports int64
	// Suppressions counts the purged contacts that had opted out and left
	// only their keyed index behind.
	Suppressions int64
}

func (p PurgeResult) String() string {
	return fmt.Sprintf("%d messages, %d conversations, %d contacts (%d opted out, kept as suppressions), %d queued messages, %d delivery statuses, %d closed reports",
		p.Messages, p.Conversations, p.Contacts, p.Suppressions, p.Outbox, p.Statuses, p.Reports)
}

// PurgeLock is the SQL expression of the Postgres advisory lock that lets
// one instance purge a schema at a time: a 64-bit hash of "rightsline-purge:"
// and the current schema, so purges of different schemas (tenants, parallel
// test schemas) never skip each other. Exported so that an operator can
// compute it (SELECT <PurgeLock>) and tests can hold it.
const PurgeLock = "hashtextextended('rightsline-purge:' || current_schema(), 0)"

// Purge deletes what the schedule no longer keeps, as of now, in one
// transaction. It is safe with many instances: on Postgres the first to
// take a transaction-scoped advisory lock purges and the others skip
// (Skipped); SQLite serialises writers anyway. The run is audited with its
// counts.
func (s *Store) Purge(ctx context.Context, r Retention, now time.Time) (PurgeResult, error) {
	var res PurgeResult
	err := s.InTx(ctx, func(tx *Tx) error {
		res = PurgeResult{}
		if s.dialect == Postgres {
			var got bool
			if err := tx.tx.QueryRowContext(ctx, "SELECT pg_try_advisory_xact_lock("+PurgeLock+")").Scan(&got); err != nil {
				return err
			}
			if !got {
				res.Skipped = true
				return nil
			}
		}
		del := func(n *int64, name string, args ...any) error {
			rs, err := tx.exec(ctx, name, args...)
			if err != nil {
				return fmt.Errorf("store: purge (%s): %w", name, err)
			}
			k, _ := rs.RowsAffected()
			*n += k
			return nil
		}
		if r.Delivery > 0 {
			cut := tx.time(normTime(now.Add(-r.Delivery)))
			if err := del(&res.Outbox, "PurgeOutbox", cut); err != nil {
				return err
			}
			if err := del(&res.Statuses, "PurgeDeliveryStatuses", cut); err != nil {
				return err
			}
		}
		if r.ClosedReports > 0 || len(r.ClosedReportsBy) > 0 {
			ids := make([]string, 0, len(r.ClosedReportsBy))
			for id := range r.ClosedReportsBy {
				ids = append(ids, id)
			}
			for _, id := range ids {
				if d := r.ClosedReportsBy[id]; d > 0 {
					if err := del(&res.Reports, "PurgeClosedReportsOf", id, tx.time(normTime(now.Add(-d)))); err != nil {
						return err
					}
				}
			}
			if r.ClosedReports > 0 {
				if err := del(&res.Reports, "PurgeClosedReportsExcept", tx.time(normTime(now.Add(-r.ClosedReports))), "|"+strings.Join(ids, "|")+"|"); err != nil {
					return err
				}
			}
		}
		if r.Conversations > 0 {
			cut := tx.time(normTime(now.Add(-r.Conversations)))
			if err := del(&res.Messages, "PurgeLooseMessages", cut); err != nil {
				return err
			}
			if err := del(&res.Conversations, "PurgeIdleConversations", cut); err != nil {
				return err
			}
			var none int64
			if err := del(&none, "PurgeEmptyContactConsents", cut); err != nil {
				return err
			}
			// An opted-out person stays opted out: their keyed index
			// outlives the contact (suppressions, docs/privacy.md).
			if err := del(&res.Suppressions, "KeepOptOutsOfEmptyContacts", cut, tx.time(normTime(now))); err != nil {
				return err
			}
			if err := del(&res.Contacts, "PurgeEmptyContacts", cut); err != nil {
				return err
			}
		}
		// Expired link codes and persons left alone, whatever the schedule.
		if err := tx.purgeLinks(ctx, normTime(now)); err != nil {
			return err
		}
		if res == (PurgeResult{}) {
			return nil
		}
		return tx.InsertAudit(ctx, &AuditEntry{Action: "retention.purge", Detail: res.String()})
	})
	return res, err
}
