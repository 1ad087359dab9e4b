package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/sms"
	"github.com/rightsline/rightsline/bot/spool"
	"github.com/rightsline/rightsline/bot/whatsapp"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// app holds what every subcommand shares, built once in newApp.
type app struct {
	cfg     config
	log     *slog.Logger
	store   *store.Store
	catalog *locales.Catalog
	engine  *flows.Engine
	runtime *bot.Runtime
	// metrics is what /metrics shows; every part of the app reports there.
	metrics *metrics
	// draining is set on SIGTERM; /readyz then fails.
	draining *atomic.Bool
	// freshDatabase is true when this process created the database's
	// tables (a new embedded database), for first-run seeding.
	freshDatabase bool
	closers       []func() error
	clientIPFn    func(*http.Request) string
	// stdout is where serve prints what a person at the terminal must see
	// (the address, a first-run password).
	stdout io.Writer
	// smsHandler, waHandler and spool are set by mountSMS and
	// mountWhatsApp when their channel is on (and the spool not off), for
	// the spool's replay worker; the two channels share one spool.
	smsHandler *sms.Handler
	waHandler  *whatsapp.Handler
	spool      *spool.Spool
}

func newLogger(cfg config) *slog.Logger {
	return newLoggerTo(os.Stderr, cfg.LogLevel, cfg.LogFormat)
}

// newLoggerTo logs to w at level in format ("text" or "json"). Log lines
// written while handling a request carry its request_id; text logs show
// durations rounded ("1.23ms").
func newLoggerTo(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv}
	var h slog.Handler
	if format == "json" {
		h = slog.NewJSONHandler(w, opts)
	} else {
		opts.ReplaceAttr = humanDurations
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(contextHandler{h})
}

// newApp opens the store (migrating it), loads the catalog and flows, and
// builds the runtime.
func newApp(ctx context.Context, cfg config, log *slog.Logger) (*app, error) {
	a := &app{cfg: cfg, log: log, clientIPFn: clientIPFunc(cfg.TrustedProxies), metrics: newMetrics(), draining: new(atomic.Bool)}
	// The catalog is read while the database is opened: neither needs
	// the other.
	t0 := time.Now()
	type loaded struct {
		cat  *locales.Catalog
		err  error
		took time.Duration
	}
	catDone := make(chan loaded, 1)
	go func() {
		cat, err := locales.Load()
		catDone <- loaded{cat, err, time.Since(t0)}
	}()
	a.freshDatabase = isNewSQLite(cfg.DatabaseURL)
	st, err := openStore(ctx, cfg, os.Stdout)
	tStore := time.Since(t0)
	c := <-catDone
	if err != nil {
		return nil, err
	}
	if c.err != nil {
		st.Close()
		return nil, c.err
	}
	cat := c.cat
	a.catalog = cat
	a.store = st
	a.metrics.watchStore(st, log)
	a.closers = append(a.closers, st.Close)
	t2 := time.Now()
	rt, err := newRuntime(st, cat, bot.Config{Idle: cfg.IdleTimeout, Log: log, MaxMediaPerReport: cfg.MediaMaxPerReport, WarmLater: true})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("flows: %w", err)
	}
	a.runtime = rt
	rt.OnHandled = a.metrics.handled
	a.engine = rt.Engine
	t3 := time.Now()
	if err := wireRuntime(ctx, a); err != nil {
		a.Close()
		return nil, err
	}
	// Where start-up goes, for the goal of serving within 100 ms (the
	// catalog and the store at once; the free-text models are built in
	// the background after flows).
	log.Debug("start-up phases", "catalog", c.took, "store", tStore, "flows", t3.Sub(t2), "wiring", time.Since(t3))
	return a, nil
}

// connectStore opens the database. A Postgres server that cannot be reached
// yet (it is starting, or failing over) is tried again with growing pauses
// for up to DB_STARTUP_TIMEOUT; any other failure (a bad URL, a failed
// migration) stops start-up at once.
func connectStore(ctx context.Context, cfg config, log *slog.Logger, extra ...store.Option) (*store.Store, error) {
	opts := append([]store.Option{store.WithPool(store.PoolOptions{
		MaxOpenConns: cfg.DBMaxOpenConns, MaxIdleConns: cfg.DBMaxIdleConns,
		ConnMaxLifetime: cfg.DBConnMaxLifetime, ConnMaxIdleTime: cfg.DBConnMaxIdleTime,
	})}, extra...)
	deadline := time.Now().Add(cfg.DBStartupTimeout)
	pause := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		st, err := store.Open(ctx, cfg.DatabaseURL, opts...)
		if err == nil {
			if attempt > 1 {
				log.Info("database reachable", "attempts", attempt)
			}
			return st, nil
		}
		if !errors.Is(err, store.ErrUnreachable) || strings.HasPrefix(cfg.DatabaseURL, "sqlite:") {
			return nil, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, fmt.Errorf("%w (gave up after %s; DB_STARTUP_TIMEOUT)", err, cfg.DBStartupTimeout)
		}
		wait := min(pause, left)
		log.Warn("database unreachable; retrying", "err", err, "attempt", attempt, "in", wait)
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
		pause = min(2*pause, 10*time.Second)
	}
}

// isNewSQLite reports whether url names an embedded database that does not
// exist yet.
func isNewSQLite(url string) bool {
	path, ok := strings.CutPrefix(url, "sqlite:")
	if !ok {
		return false
	}
	path, _, _ = strings.Cut(path, "?")
	if path == ":memory:" || path == "" {
		return true
	}
	_, err := os.Stat(path)
	return errors.Is(err, fs.ErrNotExist)
}

// https reports whether the service is public over https, which makes
// every cookie Secure and turns on HSTS.
func (a *app) https() bool { return strings.HasPrefix(a.cfg.PublicBaseURL, "https://") }

// clientIP names a request's client address (see clientIPFunc).
func (a *app) clientIP(r *http.Request) string {
	return a.clientIPFn(r)
}

// Close releases what newApp opened, last opened first.
func (a *app) Close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i](); err != nil {
			a.log.Warn("close", "err", err)
		}
	}
	a.closers = nil
}
