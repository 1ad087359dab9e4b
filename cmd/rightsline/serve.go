package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/rightsline/rightsline/bot/web"
)

// mountFunc adds one part of the service to the mux. A part that is not
// configured (no Twilio credentials, say) logs that it is off and mounts
// nothing, so its routes answer 404.
type mountFunc func(mux *http.ServeMux, a *app) error

// mounts lists the parts of the web service, one line each.
var mounts = []mountFunc{
	mountSimulator,
	mountDiscord,
	mountConsole,
	mountSMS,
	mountWhatsApp,
}

// background lists long-running workers started with serve (the outbox
// dispatcher, the Discord gateway, the translation edits' poller). Each runs until ctx ends.
var background = []func(ctx context.Context, a *app) error{
	runDiscordGateway,
	runOutbox,
	runMedia,
	runSpool,
	runTranslationPoller,
	runRetention,
	runStaffMail,
}

// startupGCPercent is GOGC during start-up (see runServe).
const startupGCPercent = 400

func runServe(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	start := time.Now()
	// Start-up allocates tens of megabytes it mostly keeps (the catalog,
	// the flows, the matcher's tables) from a heap of a few: at the default
	// GOGC the collector ran six times before /healthz, a quarter of
	// start-up's CPU. Until the listener is up it runs at a quarter of
	// that frequency, unless GOGC is set (GOMEMLIMIT still holds).
	restoreGC := func() {}
	if _, set := os.LookupEnv("GOGC"); !set {
		old := debug.SetGCPercent(startupGCPercent)
		restoreGC = func() { debug.SetGCPercent(old) }
	}
	defer restoreGC()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := loadConfigFromEnv()
	if err != nil {
		return err
	}
	log := newLogger(cfg)
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	a.stdout = stdout

	tHandler := time.Now()
	handler, err := newHandler(a)
	if err != nil {
		return err
	}
	log.Debug("start-up phases", "app", tHandler.Sub(start), "routes", time.Since(tHandler))

	srv := &http.Server{
		Addr:              cfg.ListenAddr,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       cfg.HTTPReadTimeout,
		WriteTimeout:      cfg.HTTPWriteTimeout,
		IdleTimeout:       cfg.HTTPIdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return err
	}
	workCtx, stopWork := context.WithCancel(ctx)
	defer stopWork()
	done := make(chan error, len(background))
	for _, bg := range background {
		go func() { done <- bg(workCtx, a) }()
	}
	log.Info("serving", "version", buildVersion(), "addr", ln.Addr().String(), "database", a.store.Dialect().String(),
		"startup", time.Since(start).Round(time.Millisecond))
	addr := displayAddr(ln.Addr())
	if cfg.SimulatorEnabled {
		fmt.Fprintf(stdout, "Rightsline is running. Chat simulator: http://%s/try   Staff console: http://%s/console\n", addr, addr)
	} else {
		fmt.Fprintf(stdout, "Rightsline is running. Staff console: http://%s/console (the /try simulator is off)\n", addr)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	// The free-text models are built now, in the background, not while
	// start-up still needed the CPU: a message that comes first builds
	// its language's model (or waits for the builder that is).
	a.engine.Warm()
	restoreGC()
	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	// Fail /readyz first and keep serving for the drain, so that every
	// load balancer has seen this instance leave before it stops
	// accepting connections.
	a.draining.Store(true)
	if cfg.DrainTimeout > 0 {
		log.Info("draining: /readyz fails; still serving", "for", cfg.DrainTimeout)
		t := time.NewTimer(cfg.DrainTimeout)
		select {
		case err := <-serveErr:
			t.Stop()
			return err
		case <-t.C:
		}
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	stopWork()
	for range background {
		if werr := <-done; werr != nil && !errors.Is(werr, context.Canceled) {
			log.Warn("worker stopped with error", "err", werr)
		}
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// newHandler builds the service's routes (health checks and every mounted
// part) wrapped in the layers every request passes: panic recovery,
// security headers and the per-IP POST limit.
func newHandler(a *app) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok "+buildVersion()+"\n")
	})
	// draining is set on SIGTERM: /readyz then fails so load balancers
	// stop sending new requests while those already routed here finish.
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if a.draining.Load() {
			http.Error(w, "draining", http.StatusServiceUnavailable)
			return
		}
		pctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.store.Ping(pctx); err != nil {
			a.log.Warn("not ready: database unreachable", "err", err)
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	})
	mux.Handle("GET /metrics", a.metrics.handler())
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if a.cfg.SimulatorEnabled {
			http.Redirect(w, r, "/try", http.StatusFound)
			return
		}
		http.Redirect(w, r, "/console", http.StatusFound)
	})
	for _, m := range mounts {
		if err := m(mux, a); err != nil {
			return nil, err
		}
	}
	return instrument(a.log, a.metrics, recoverer(a.log, secureHeaders(a.https(), limitPosts(a.store, a.clientIP, a.log, recordRoute(mux))))), nil

}

// displayAddr is the address a person on this machine opens: localhost
// when listening on every interface (":8080").
func displayAddr(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", tcp.Port)
	}
	return a.String()
}

// recoverer turns a panic in a handler into a 500 without taking the
// process down, and logs it without the request body.
func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic in handler", "path", r.URL.Path, "panic", fmt.Sprint(v))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// mountSimulator serves /try, unless it is off (by default in
// production: SIMULATOR_ENABLED=true turns it on there).
func mountSimulator(mux *http.ServeMux, a *app) error {
	if !a.cfg.SimulatorEnabled {
		a.log.Info("simulator off: /try is not served (SIMULATOR_ENABLED=true turns it on)")
		return nil
	}
	h := web.New(a.runtime, a.store, a.catalog, a.log)
	h.Secure = a.https()
	h.QuickExitURL = a.cfg.QuickExitURL
	h.ClientIP = a.clientIP
	h.Register(mux)
	return nil
}
