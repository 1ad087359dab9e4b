package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// requestIDHeader carries a request's id in and out: a reverse proxy's id
// is kept (so its log and ours line up), otherwise one is made.
const requestIDHeader = "X-Request-ID"

type requestIDKey struct{}

// routeKey holds, in a request's context, where recordRoute writes the
// pattern the mux matched: middleware between instrument and the mux may
// hand the mux a copy of the request, on which the mux sets Pattern.
type routeKey struct{}

// recordRoute wraps the mux so instrument learns the matched pattern.
func recordRoute(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if p, ok := r.Context().Value(routeKey{}).(*string); ok {
			*p = r.Pattern
		}
	})
}

// requestID returns the id of the request ctx belongs to, or "".
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// validRequestID accepts an incoming id only if it looks like one: 16 to
// 64 letters, digits and dashes (a UUID, a proxy's hex id). 16 is longer
// than any phone number, so a caller cannot slip one into the logs here.
func validRequestID(s string) bool {
	if len(s) < 16 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// quietRoutes are polled every few seconds by load balancers and
// Prometheus; their access log lines are at debug level.
var quietRoutes = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// instrument gives every request an id (X-Request-ID, in the response
// too and in the request's context), counts it in the metrics by route
// pattern, and writes one access log line: method, route pattern, status,
// duration, bytes and id. The line never holds the path's values, the
// query string, headers or the body, where phone numbers and messages
// travel; the route is the pattern the request matched ("POST
// /twilio/sms", "GET /console/reports/{id}").
func instrument(log *slog.Logger, m *metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(requestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set(requestIDHeader, id)
		var pattern string
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		r = r.WithContext(context.WithValue(ctx, routeKey{}, &pattern))
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			d := time.Since(start)
			// The pattern the mux matched (recordRoute), or set on r by a
			// mux this wraps directly.
			route := pattern
			if route == "" {
				route = r.Pattern
			}
			if _, path, ok := strings.Cut(route, " "); ok {
				route = path
			}
			if route == "" {
				route = "unmatched"
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			if m != nil {
				m.httpRequests.WithLabelValues(route, methodLabel(r.Method), strconv.Itoa(status)).Inc()
				m.httpDuration.WithLabelValues(route, methodLabel(r.Method)).Observe(d.Seconds())
			}
			level := slog.LevelInfo
			if quietRoutes[route] {
				level = slog.LevelDebug
			}
			log.LogAttrs(r.Context(), level, "http request",
				slog.String("method", methodLabel(r.Method)), slog.String("route", route),
				slog.Int("status", status), slog.Duration("duration", d), slog.Int64("bytes", rec.bytes))
		}()
		next.ServeHTTP(rec, r)
	})
}

// methodLabel keeps the method label to the standard methods.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

// statusRecorder remembers the status and size of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer (Flush,
// deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush passes flushes on for handlers that stream.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// contextHandler adds the request id from a record's context, so a log
// line written while handling a request names it.
type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := requestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(as)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}

// humanDurations writes durations in text logs rounded to three
// significant figures ("1.23ms", "2.5s") instead of to the nanosecond.
// JSON logs keep slog's integer nanoseconds, for machines.
func humanDurations(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(roundDuration(a.Value.Duration()).String())
	}
	return a
}

// roundDuration keeps three significant figures of d.
func roundDuration(d time.Duration) time.Duration {
	for _, unit := range []time.Duration{100 * time.Hour, 10 * time.Hour, time.Hour, 10 * time.Minute, time.Minute, 10 * time.Second,
		time.Second, 100 * time.Millisecond, 10 * time.Millisecond, time.Millisecond, 100 * time.Microsecond, 10 * time.Microsecond, time.Microsecond} {
		if d >= unit || d <= -unit {
			return d.Round(unit / 100)
		}
	}
	return d
}
