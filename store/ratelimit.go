package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
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
func (tx *Tx) Allow(ctx context.Context, lim Limit, subject string) (Verdict, error) {
	v, err := allow(ctx, tx.store, func(args ...any) *sql.Row { return tx.queryRow(ctx, "RateLimitHit", args...) }, lim, subject)
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
	secs := int64(lim.Window / time.Second)
	end := (now.Unix()/secs + 1) * secs
	var hits, storedEnd int64
	err := hit(s.keys.bucketName(lim.Name, subject), end).Scan(&hits, &storedEnd)
	if err != nil {
		return Verdict{}, fmt.Errorf("store: rate limit %s: %w", lim.Name, err)
	}
	v := Verdict{Count: hits, Allowed: hits <= int64(lim.Max), FirstRefusal: hits == int64(lim.Max)+1}
	if v.RetryAfter = time.Unix(storedEnd, 0).Sub(now); v.RetryAfter < 0 {
		v.RetryAfter = 0
	}
	return v, nil
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

// withWriteSem runs fn holding the SQLite write semaphore (see Store), so
// a single-statement write waits its turn like a transaction; on Postgres
// it just runs fn.
func (s *Store) withWriteSem(ctx context.Context, fn func() error) error {
	if s.writeSem != nil {
		select {
		case s.writeSem <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		defer func() { <-s.writeSem }()
	}
	return fn()
}
