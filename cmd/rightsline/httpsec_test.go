package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
)

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// /try is off in production unless SIMULATOR_ENABLED=true, on elsewhere.
func TestSimulatorOffInProduction(t *testing.T) {
	pg := "postgres://db.example/rightsline"
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, true},
		{map[string]string{"RIGHTSLINE_PRODUCTION": "true", "DATABASE_URL": pg}, false},
		{map[string]string{"RIGHTSLINE_PRODUCTION": "true", "DATABASE_URL": pg, "SIMULATOR_ENABLED": "true"}, true},
		{map[string]string{"SIMULATOR_ENABLED": "false"}, false},
	} {
		cfg, err := loadConfig(envOf(tc.env))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.SimulatorEnabled != tc.want {
			t.Errorf("%v: simulator enabled %v, want %v", tc.env, cfg.SimulatorEnabled, tc.want)
		}
	}
	for _, bad := range []string{"javascript:alert(1)", "neutral page", "/try", "ftp://x.example/"} {
		if _, err := loadConfig(envOf(map[string]string{"QUICK_EXIT_URL": bad})); err == nil || !strings.Contains(err.Error(), "QUICK_EXIT_URL") {
			t.Errorf("QUICK_EXIT_URL=%q accepted (%v)", bad, err)
		}
	}
	if _, err := loadConfig(envOf(map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8, nonsense"})); err == nil || !strings.Contains(err.Error(), "TRUSTED_PROXIES") {
		t.Errorf("a bad TRUSTED_PROXIES was accepted: %v", err)
	}

	a := newTestApp(t, "sqlite:"+filepath.Join(t.TempDir(), "prod.db"), true)
	defer a.Close()
	a.cfg.SimulatorEnabled = false
	h, err := newHandler(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/try", "/try/static/try.js"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s with the simulator off: %d", path, rec.Code)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/try/messages", strings.NewReader(`{"text":"hi"}`)))
	if rec.Code != http.StatusNotFound {
		t.Errorf("POST /try/messages with the simulator off: %d", rec.Code)
	}
	if n := countRows(t, a, "contacts"); n != 0 {
		t.Errorf("%d contacts made with the simulator off", n)
	}
}

func countRows(t *testing.T, a *app, table string) int {
	t.Helper()
	var n int
	if err := a.store.DB().QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Every response forbids framing and sniffing; under https every one
// carries HSTS and every cookie is Secure; directories are never listed.
func TestSecurityHeadersEverywhere(t *testing.T) {
	a := newTestApp(t, "sqlite:"+filepath.Join(t.TempDir(), "h.db"), false)
	defer a.Close()
	a.cfg.PublicBaseURL = "https://rightsline.example.org"
	h, err := newHandler(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/healthz", "/try", "/console/login", "/no/such/page", "/try/static/", "/console/static/"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		hd := rec.Header()
		if !strings.Contains(hd.Get("Strict-Transport-Security"), "max-age=") {
			t.Errorf("%s: no HSTS", path)
		}
		if !strings.Contains(hd.Get("Content-Security-Policy"), "frame-ancestors 'none'") || hd.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: CSP %q, nosniff %q", path, hd.Get("Content-Security-Policy"), hd.Get("X-Content-Type-Options"))
		}
		for _, c := range rec.Result().Cookies() {
			if !c.Secure || !c.HttpOnly {
				t.Errorf("%s: cookie %s is not Secure and HttpOnly", path, c.Name)
			}
		}
		if strings.HasSuffix(path, "/static/") && (rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "<a href")) {
			t.Errorf("%s: %d, lists the directory", path, rec.Code)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/try/messages", strings.NewReader(`{"text":"hi"}`)))
	for _, c := range rec.Result().Cookies() {
		if !c.Secure {
			t.Errorf("simulator cookie %s is not Secure under https", c.Name)
		}
	}
	if len(rec.Result().Cookies()) == 0 {
		t.Error("the simulator set no cookie")
	}
}

// Abuse: a burst of POSTs from one address is cut at limitPostIP, on any
// public path; the signed webhooks are not counted (they come from the
// providers' few addresses and are limited per sender).
func TestPostBurstLimitedPerIP(t *testing.T) {
	a := newTestApp(t, "sqlite:"+filepath.Join(t.TempDir(), "p.db"), false)
	defer a.Close()
	h, err := newHandler(a)
	if err != nil {
		t.Fatal(err)
	}
	post := func(path, ip string) int {
		req := httptest.NewRequest("POST", path, strings.NewReader("x=1"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = ip + ":4000"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	limited := 0
	for range limitPostIP.Max + 5 {
		if post("/console/nothing-here", "198.51.100.20") == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited != 5 {
		t.Errorf("%d of %d POSTs refused, want 5", limited, limitPostIP.Max+5)
	}
	if code := post("/console/login", "198.51.100.21"); code == http.StatusTooManyRequests {
		t.Error("another address was limited")
	}
	if code := post("/twilio/sms", "198.51.100.20"); code == http.StatusTooManyRequests {
		t.Error("the signed SMS webhook was counted against the address")
	}
}

// X-Forwarded-For is believed only from a trusted proxy, and only its
// right-most untrusted hop: a client cannot pick its own address.
func TestClientIPTrustsOnlyConfiguredProxies(t *testing.T) {
	ip := clientIPFunc([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")})
	for _, tc := range []struct{ remote, xff, want string }{
		{"203.0.113.5:1234", "1.2.3.4", "203.0.113.5"},              // not a proxy: header ignored
		{"10.1.2.3:1234", "198.51.100.7", "198.51.100.7"},           // through the proxy
		{"10.1.2.3:1234", "6.6.6.6, 198.51.100.7", "198.51.100.7"},  // a forged left-most hop is ignored
		{"10.1.2.3:1234", "198.51.100.7, 10.9.9.9", "198.51.100.7"}, // two proxies
		{"10.1.2.3:1234", "", "10.1.2.3"},                           // no header
		{"10.1.2.3:1234", "garbage", "10.1.2.3"},                    // unreadable header
		{"[::ffff:203.0.113.5]:1234", "", "203.0.113.5"},            // mapped IPv4
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := ip(r); got != tc.want {
			t.Errorf("%s + %q: %q, want %q", tc.remote, tc.xff, got, tc.want)
		}
	}
}

var _ = slog.Default
