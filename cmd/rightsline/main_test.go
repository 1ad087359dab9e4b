package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestUnknownCommandIsAUsageError(t *testing.T) {
	var out, errOut bytes.Buffer
	err := dispatch(context.Background(), []string{"frobnicate"}, nil, &out, &errOut)
	if !errors.Is(err, errUsage) || !strings.Contains(errOut.String(), `unknown command "frobnicate"`) {
		t.Fatalf("err = %v, stderr = %q", err, errOut.String())
	}
}

func TestConfigReportsEveryBadVariable(t *testing.T) {
	env := map[string]string{
		"CONVERSATION_IDLE_TIMEOUT": "three days",
		"LOG_LEVEL":                 "loud",
		"SMS_RATE_LIMIT_PER_MINUTE": "-1",
		"RIGHTSLINE_PRODUCTION":     "true",
		"PUBLIC_BASE_URL":           "example.org",
	}
	_, err := loadConfig(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, name := range []string{"CONVERSATION_IDLE_TIMEOUT", "LOG_LEVEL", "SMS_RATE_LIMIT_PER_MINUTE", "RIGHTSLINE_PRODUCTION", "PUBLIC_BASE_URL"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
	cfg, err := loadConfig(func(string) (string, bool) { return "", false })
	if err != nil || cfg.DatabaseURL != "sqlite:rightsline.db" || cfg.ListenAddr != ":8080" || cfg.IdleTimeout != 72*time.Hour {
		t.Fatalf("defaults: %+v, %v", cfg, err)
	}
}

// The terminal chat keeps the conversation across runs, as a person
// chatting, quitting and coming back expects.
func TestChatContinuesAcrossRuns(t *testing.T) {
	t.Setenv("DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "chat.db"))
	chat := func(input string) string {
		var out, errOut bytes.Buffer
		if err := dispatch(context.Background(), []string{"chat", "--as", "maria"}, strings.NewReader(input), &out, &errOut); err != nil {
			t.Fatalf("chat: %v (%s)", err, errOut.String())
		}
		return out.String()
	}
	first := chat("hola\n5\n")
	if !strings.Contains(first, "Español") || !strings.Contains(first, "IDIOMA") {
		t.Fatalf("first run:\n%s", first)
	}
	// The second run starts at the language menu left open by the first.
	second := chat("8\n")
	if !strings.Contains(second, "RETOUR") {
		t.Fatalf("second run did not continue at the language menu:\n%s", second)
	}
}

func TestChatRejectsUnknownLanguage(t *testing.T) {
	var out, errOut bytes.Buffer
	err := dispatch(context.Background(), []string{"chat", "--lang", "klingon"}, strings.NewReader(""), &out, &errOut)
	if !errors.Is(err, errUsage) || !strings.Contains(errOut.String(), "klingon") {
		t.Fatalf("err = %v, stderr = %q", err, errOut.String())
	}
}

// serve starts, answers health checks and the simulator, and shuts down
// cleanly when its context ends (as on SIGTERM).
func TestServeStartsAndStops(t *testing.T) {
	base, stop := startServe(t, nil)
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || body != "ok "+buildVersion()+"\n" {
		t.Fatalf("/healthz = %d %q", code, body)
	}
	if code, body := get("/readyz"); code != 200 || body != "ready\n" {
		t.Fatalf("/readyz = %d %q", code, body)
	}
	if code, body := get("/try"); code != 200 || !strings.Contains(body, "Rightsline") {
		t.Fatalf("/try = %d", code)
	}
	resp, err := http.Post(base+"/try/messages", "application/json", strings.NewReader(`{"text":"hola"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"lang":"es"`) {
		t.Fatalf("POST /try/messages = %d %s", resp.StatusCode, b)
	}
	resp, err = http.Post(base+"/try/messages", "application/json", strings.NewReader(`not json`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad JSON: status %d, want 400", resp.StatusCode)
	}
	if code, _ := get("/no/such/page"); code != 404 {
		t.Fatalf("unknown path: %d", code)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// startServe runs serve on a loopback port with a fresh SQLite database
// and the given extra environment. It returns the base URL and a function
// that stops serve (as SIGTERM does) and returns its error.
func startServe(t *testing.T, env map[string]string) (base string, stop func() error) {
	t.Helper()
	t.Setenv("DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "serve.db"))
	t.Setenv("LISTEN_ADDR", "127.0.0.1:0")
	t.Setenv("LOG_LEVEL", "warn")
	t.Setenv("DRAIN_TIMEOUT", "0")
	for k, v := range env {
		t.Setenv(k, v)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- dispatch(ctx, []string{"serve"}, nil, pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "http://"); i >= 0 && strings.Contains(line, "/try") {
			base = strings.Fields(line[i:])[0]
			base = strings.TrimSuffix(base, "/try")
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" {
		cancel()
		t.Fatalf("serve did not print its address: %v", <-done)
	}
	var stopped bool
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("serve returned %v after shutdown", err)
			}
			return nil
		case <-time.After(30 * time.Second):
			return errors.New("serve did not stop")
		}
	}
	t.Cleanup(func() { _ = stop() })
	return base, stop
}

// newTestApp builds the app as serve does, on the database at dbURL with
// every other setting at its default; the caller closes it.
func newTestApp(t testing.TB, dbURL string, production bool) *app {
	t.Helper()
	cfg, err := loadConfig(func(k string) (string, bool) {
		if k == "DATABASE_URL" {
			return dbURL, true
		}
		return "", false
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Production = production
	a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return a
}
