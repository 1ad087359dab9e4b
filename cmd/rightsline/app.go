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

	"github.com/rightsline/rightsline/bot"
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
	// freshDatabase is true when this process created the database's
	// tables (a new embedded database), for first-run seeding.
	freshDatabase bool
	closers       []func() error
	clientIPFn    func(*http.Request) string
	// stdout is where serve prints what a person at the terminal must see
	// (the address, a first-run password).
	stdout io.Writer
}

func newLogger(cfg config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// newApp opens the store (migrating it), loads the catalog and flows, and
// builds the runtime.
func newApp(ctx context.Context, cfg config, log *slog.Logger) (*app, error) {
	a := &app{cfg: cfg, log: log, clientIPFn: clientIPFunc(cfg.TrustedProxies)}
	cat, err := locales.Load()
	if err != nil {
		return nil, err
	}
	a.catalog = cat
	a.freshDatabase = isNewSQLite(cfg.DatabaseURL)
	st, err := openStore(ctx, cfg, os.Stdout)
	if err != nil {
		return nil, err
	}
	a.store = st
	a.closers = append(a.closers, st.Close)
	rt, err := newRuntime(st, cat, bot.Config{Idle: cfg.IdleTimeout, Log: log})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("flows: %w", err)
	}
	a.runtime = rt
	a.engine = rt.Engine
	if err := wireRuntime(ctx, a); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
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
