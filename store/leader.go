package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"hash/crc64"
	"time"
)

// LeadOptions tunes [Store.Lead]; zero fields take the defaults.
type LeadOptions struct {
	// Poll is how often an instance that is not the holder tries to take
	// over (default 1s): the longest a dead holder's work waits.
	Poll time.Duration
	// Check is how often the holder checks that its database session,
	// and so its lock, is still alive (default 1s).
	Check time.Duration
	// OnChange is told when this instance becomes (true) or stops being
	// (false) the holder.
	OnChange func(holding bool)
}

// Lead runs work only while this instance holds the named lock, so that
// of many instances on one database exactly one runs it (the Discord
// gateway). It returns when ctx ends.
//
// On Postgres the lock is a session advisory lock on a connection of its
// own, keyed by name and the current schema: the server frees it the
// moment the holder's session ends, when its process dies or its
// connection breaks, and another instance takes over at its next poll.
// The holder checks its session every Check; if the session is gone it
// cancels work's context at once, since another instance may already
// hold the lock. work should return when its context ends; if it returns
// earlier the lock is let go and tried for again after Poll.
//
// SQLite serves a single instance, which always holds the lock.
func (s *Store) Lead(ctx context.Context, name string, opts LeadOptions, work func(ctx context.Context) error) error {
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.Check <= 0 {
		opts.Check = time.Second
	}
	change := func(holding bool) {
		if opts.OnChange != nil {
			opts.OnChange(holding)
		}
	}
	if s.dialect != Postgres {
		for ctx.Err() == nil {
			change(true)
			err := work(ctx)
			change(false)
			if ctx.Err() != nil {
				break
			}
			_ = err // work gave up early: start it again after a pause
			if !sleep(ctx, opts.Poll) {
				break
			}
		}
		return nil
	}
	for {
		held, err := s.leadOnce(ctx, name, opts, change, work)
		if ctx.Err() != nil {
			return nil
		}
		_ = err // an unreachable database: try again at the next poll
		if held {
			continue // lost or let go: try at once, another may not have taken it
		}
		if !sleep(ctx, opts.Poll) {
			return nil
		}
	}
}

// leadOnce tries the lock once; if it gets it, it runs work until work
// returns, ctx ends or the session dies. held reports whether it held it.
func (s *Store) leadOnce(ctx context.Context, name string, opts LeadOptions, change func(bool), work func(context.Context) error) (held bool, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return false, err
	}
	// The connection is never returned to the pool while it may hold the
	// lock: closing it ends the session, which frees the lock.
	defer func() {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		conn.Close()
	}()
	var schema sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return false, err
	}
	key := leaderLockID(name, schema.String)
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got); err != nil {
		return false, err
	}
	if !got {
		return false, nil
	}
	// Operators see who holds what in pg_stat_activity.
	if _, err := conn.ExecContext(ctx, "SELECT set_config('application_name', $1, false)", LeaderApplicationName(name)); err != nil {
		return true, err
	}
	workCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	change(true)
	defer change(false)
	go func() { done <- work(workCtx) }()
	t := time.NewTicker(opts.Check)
	defer t.Stop()
	for {
		select {
		case err := <-done:
			return true, err
		case <-t.C:
			pctx, pcancel := context.WithTimeout(ctx, opts.Check)
			err := conn.PingContext(pctx)
			pcancel()
			if err != nil && ctx.Err() == nil {
				// The session, and with it the lock, may be gone:
				// stop now, before a second holder answers too.
				cancel()
				<-done
				return true, fmt.Errorf("store: lost the %s lock: %w", name, err)
			}
		case <-ctx.Done():
			cancel()
			<-done
			return true, nil
		}
	}
}

// LeaderApplicationName is the application_name of the session that holds
// the named lock, as pg_stat_activity shows it.
func LeaderApplicationName(name string) string {
	n := "rightsline lead: " + name
	if len(n) > 63 {
		n = n[:63]
	}
	return n
}

func leaderLockID(name, schema string) int64 {
	return int64(crc64.Checksum([]byte("rightsline-lead:"+name+":"+schema), crc64.MakeTable(crc64.ECMA)))
}

// sleep waits d or until ctx ends; it reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
