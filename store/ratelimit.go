package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Limit is a rate limit: at most Max hits per subject in each fixed Window.
// Name keeps limits apart ("try-ip", "login-ip", "sms-sender"); it must not
// contain personal data.
type Limit struct {
	Name   string
	Max    int
	Window time.Duration
}

// Verdict is the outcome of one hit under a Limit.
type Verdict struct {
	// Allowed is false once the subject is over the limit in this window.
	Allowed bool
	// FirstRefusal is set on the first refused hit of a window, for
	// callers that answer it once (a polite SMS) and stay quiet after.
	FirstRefusal bool
	// Count is the number of hits in this window, this one included.
	Count int64
	// RetryAfter is how long until the window ends.
	RetryAfter time.Duration
}

// ErrBadLimit is returned for a Limit without a name, a positive Max or a
// Window of at least one second.
var ErrBadLimit = errors.New("store: a rate limit needs a name, a positive max and a window of at least a second")

// rateLimitPurgeEvery is how often (per process) rows of ended windows are
// deleted: the table holds at most the buckets of the last few minutes.
const rateLimitPurgeEvery = time.Minute

// Allow counts one hit of subject against lim in one statement and says
// whether it is within the limit. Every instance sharing the database
// shares the count. The subject (an IP address, a phone number) is stored
// only as a keyed HMAC-SHA256 inside the bucket name, and its row is deleted soon
// after its window ends.
//
// Allow runs outside any transaction; do not call it inside InTx (on an
// in-memory SQLite database it would wait for that transaction forever).
func (s *Store) Allow(ctx context.Context, lim Limit, subject string) (Verdict, error) {
	var v Verdict
	err := s.withWriteSem(ctx, func() error {
		var err error
		v, err = allow(ctx, s, func(args ...any) *sql.Row { return s.queryRow(ctx, "RateLimitHit", args...) }, lim, subject)
		return err
	})
	if err == nil {
		s.maybePurgeRateLimits(ctx, s.now().UTC())
	}
	return v, err
}

// Allow is [Store.Allow] inside a transaction: the hit counts if and only
// if the transaction commits (a transaction run again on contention counts
// once), and on Postgres the bucket's row stays locked until then. Use it
// where the hit belongs with the transaction's work, such as a message
// stored as rate-limited.
//
// In [Store.InConversation] with lim among its limits and subject its
// address, the count comes from the bucket read with the contact's lock
// and the hit is sent with the COMMIT (pipeline.go).
func (tx *Tx) Allow(ctx context.Context, lim Limit, subject string) (Verdict, error) {
	v, ok := tx.allowPeeked(lim, subject)
	var err error
	if !ok {
		v, err = allow(ctx, tx.store, func(args ...any) *sql.Row { return tx.queryRow(ctx, "RateLimitHit", args...) }, lim, subject)
	}
	if err == nil && tx.store.purgeDue(tx.store.now().UTC()) {
		// Not in this transaction (it would hold every ended bucket's
		// row) and not now (on SQLite this transaction holds the write
		// lock): once it has finished.
		go func() { _, _ = tx.store.PurgeRateLimits(context.WithoutCancel(ctx), tx.store.now().UTC()) }()
	}
	return v, err
}

// allow counts one hit, running RateLimitHit through hit: the pool's or
// the transaction's (prepared, on SQLite) statement.
func allow(ctx context.Context, s *Store, hit func(args ...any) *sql.Row, lim Limit, subject string) (Verdict, error) {
	if lim.Name == "" || lim.Max <= 0 || lim.Window < time.Second {
		return Verdict{}, ErrBadLimit
	}
	now := s.now().UTC()
	end := windowEnd(lim, now)
	var hits, storedEnd int64
	err := hit(s.keys.bucketName(lim.Name, subject), end).Scan(&hits, &storedEnd)
	if err != nil {
		return Verdict{}, fmt.Errorf("store: rate limit %s: %w", lim.Name, err)
	}
	return verdict(lim, now, hits, storedEnd), nil
}

// windowEnd is the end (unix seconds) of lim's window holding now.
func windowEnd(lim Limit, now time.Time) int64 {
	secs := int64(lim.Window / time.Second)
	return (now.Unix()/secs + 1) * secs
}

// verdict is a hit's outcome, the bucket holding hits (this one
// included) until storedEnd.
func verdict(lim Limit, now time.Time, hits, storedEnd int64) Verdict {
	v := Verdict{Count: hits, Allowed: hits <= int64(lim.Max), FirstRefusal: hits == int64(lim.Max)+1}
	if v.RetryAfter = time.Unix(storedEnd, 0).Sub(now); v.RetryAfter < 0 {
		v.RetryAfter = 0
	}
	return v
}

// peekedBucket is a rate-limit bucket InConversation read with the
// contact's lock: what RateLimitHit would find.
type peekedBucket struct {
	lim     Limit
	subject string
	bucket  string
	end     int64 // the window end it was read for
	found   bool
	hits    int64
	stored  int64 // the stored window end
	used    bool
}

// peekBuckets queues on b the reads of limits' buckets of subject (the
// valid limits; an invalid one Allow refuses as usual).
func (tx *Tx) peekBuckets(b interface {
	Queue(string, ...any) *pgx.QueuedQuery
}, subject string, limits []Limit) []*peekedBucket {
	if len(limits) == 0 {
		return nil
	}
	now := tx.store.now().UTC()
	var out []*peekedBucket
	for _, lim := range limits {
		if lim.Name == "" || lim.Max <= 0 || lim.Window < time.Second {
			continue
		}
		p := &peekedBucket{lim: lim, subject: subject, bucket: tx.store.keys.bucketName(lim.Name, subject), end: windowEnd(lim, now)}
		b.Queue(query(Postgres, "RateLimitPeekPostgres"), p.bucket)
		out = append(out, p)
	}
	return out
}

// read takes the bucket's row.
func (p *peekedBucket) read(row scanner) error {
	err := row.Scan(&p.hits, &p.stored)
	if errors.Is(err, sql.ErrNoRows) {
		p.found, p.hits, p.stored = false, 0, 0
		return nil
	}
	p.found = err == nil
	return err
}

// allowPeeked is Allow from a peeked bucket, its hit queued for the
// COMMIT; false when there is none for (lim, subject) in this window.
// It predicts what RateLimitHit returns: a row whose window has not ended
// counts on, else the hit starts a window at 1.
func (tx *Tx) allowPeeked(lim Limit, subject string) (Verdict, bool) {
	now := tx.store.now().UTC()
	for _, p := range tx.peeked {
		if p.used || p.lim != lim || p.subject != subject || p.end != windowEnd(lim, now) {
			continue
		}
		p.used = true
		hits, stored := int64(1), p.end
		if p.found && p.stored >= p.end {
			hits, stored = p.hits+1, p.stored
		}
		name := lim.Name
		tx.queue = append(tx.queue, queued{name: "RateLimitHit", args: []any{p.bucket, p.end}, done: func(row scanner) error {
			var h, e int64
			if err := row.Scan(&h, &e); err != nil {
				return fmt.Errorf("store: rate limit %s: %w", name, err)
			}
			return nil
		}})
		return verdict(lim, now, hits, stored), true
	}
	return Verdict{}, false
}

// PurgeRateLimits deletes the rows of windows that ended before now and
// returns how many it deleted. Allow calls it at most once a minute per
// process; it is exported for tests and maintenance.
func (s *Store) PurgeRateLimits(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.withWriteSem(ctx, func() error {
		res, err := s.exec(ctx, "RateLimitPurge", now.Unix())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: purge rate limits: %w", err)
	}
	return n, nil
}

func (s *Store) maybePurgeRateLimits(ctx context.Context, now time.Time) {
	if s.purgeDue(now) {
		// A failed purge is retried a minute later; the hit itself counted.
		_, _ = s.PurgeRateLimits(ctx, now)
	}
}

// purgeDue reports whether this process should purge now, and if so
// claims the purge (at most one a minute per process).
func (s *Store) purgeDue(now time.Time) bool {
	last := s.rateLimitPurged.Load()
	return now.Unix()-last >= int64(rateLimitPurgeEvery/time.Second) && s.rateLimitPurged.CompareAndSwap(last, now.Unix())
}

// bucketName is the row key of subject under the limit called name: the
// keyed index (HMAC-SHA256 under the keyring's index key), because a plain
// hash of a phone number is reversed by trying every number.
func (k *Keys) bucketName(name, subject string) string {
	return name + ":" + k.Index("rate-limit", name, subject)[:32]
}

// withWriteSem runs fn, a single-statement write, in the SQLite writer's
// turn (see writer.exclusive), so it waits like a transaction; on Postgres
// it just runs fn.
func (s *Store) withWriteSem(ctx context.Context, fn func() error) error {
	if s.writer != nil {
		return s.writer.exclusive(ctx, fn)
	}
	return fn()
}
