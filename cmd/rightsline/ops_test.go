package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// Personal data used in the tests below; none of it may reach a metric
// label or an access log line.
const (
	secretPhone = "+12025550143"
	secretText  = "my landlord Maria Lopez at 12 Elm St"
)

// /metrics shows the traffic by route pattern, the messages by channel,
// the transactions, the pool and the outbox; no label value carries a
// phone number, a session id or a message.
func TestMetricsShowTrafficWithoutPersonalData(t *testing.T) {
	base, stop := startServe(t, nil)
	defer stop()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	for _, text := range []string{"hola", secretPhone, secretText} {
		resp, err := client.Post(base+"/try/messages", "application/json", strings.NewReader(`{"text":"`+text+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("POST /try/messages: %d", resp.StatusCode)
		}
	}
	// A path and a query string holding a phone number.
	resp, err := http.Get(base + "/no/such/" + secretPhone + "?From=" + secretPhone)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d", resp.StatusCode)
	}
	text := string(body)
	for _, want := range []string{
		`rightsline_http_requests_total{method="POST",route="/try/messages",status="200"} 3`,
		`rightsline_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`rightsline_messages_total{channel="web",direction="in"} 3`,
		`rightsline_engine_step_duration_seconds_count 3`,
		`rightsline_db_transaction_duration_seconds_count{outcome="commit"}`,
		`rightsline_outbox_backlog{channel="sms"} 0`,
		`rightsline_outbox_backlog_up 1`,
		`rightsline_discord_gateway_leader 0`,
		`go_sql_max_open_connections{db_name="sqlite"}`,
		`rightsline_build_info{`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if !regexp.MustCompile(`rightsline_messages_total\{channel="web",direction="out"\} [1-9]`).MatchString(text) {
		t.Error("/metrics counts no replies")
	}
	secrets := []string{secretPhone, "12025550143", "Maria", "Elm"}
	u, _ := url.Parse(base + "/try")
	for _, c := range jar.Cookies(u) {
		secrets = append(secrets, c.Value)
	}
	if len(secrets) == 4 {
		t.Fatal("no simulator session cookie")
	}
	checkNoPersonalLabels(t, text, secrets...)
}

// checkNoPersonalLabels fails if any label value in the exposition text
// contains one of secrets, or is not a short slug or route pattern.
func checkNoPersonalLabels(t *testing.T, exposition string, secrets ...string) {
	t.Helper()
	labelRe := regexp.MustCompile(`(\w+)="([^"]*)"`)
	slug := regexp.MustCompile(`^[a-z0-9_.-]{1,40}$`)
	route := regexp.MustCompile(`^(/[a-z0-9_.{}$/-]*|unmatched)$`)
	for _, line := range strings.Split(exposition, "\n") {
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		for _, m := range labelRe.FindAllStringSubmatch(line, -1) {
			name, v := m[1], m[2]
			for _, s := range secrets {
				if s != "" && strings.Contains(v, s) {
					t.Errorf("label %s carries personal data: %s", name, line)
				}
			}
			switch name {
			case "route":
				if !route.MatchString(v) {
					t.Errorf("route label %q is not a pattern", v)
				}
			case "method", "version", "goversion", "le", "quantile", "db_name":
			default:
				if !slug.MatchString(v) {
					t.Errorf("label %s=%q is not a slug: %s", name, v, line)
				}
			}
		}
	}
}

// The store's observer sees committed reports and messages only, and the
// outbox figures count sends and failures by provider code.
func TestMetricsReportsAndOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		m := newMetrics()
		m.watchStore(st, slog.New(slog.DiscardHandler))
		if err := intake.SeedCommissions(ctx, st); err != nil {
			t.Fatal(err)
		}
		var c store.Contact
		err := st.InTx(ctx, func(tx *store.Tx) error {
			var err error
			c, err = tx.ContactForUpdate(ctx, "sms", secretPhone)
			if err != nil {
				return err
			}
			r := store.Report{Reference: "RL-TEST-0001", ContactID: c.ID, Channel: "sms", Lang: "en", Category: "housing",
				Narrative: secretText, ContactMethod: "this", Consent: true, CommissionID: "dc-ohr"}
			if err := tx.InsertReport(ctx, &r); err != nil {
				return err
			}
			for range 2 {
				if _, err := tx.EnqueueOutbound(ctx, &store.Outbound{Channel: "sms", ContactID: c.ID, Address: secretPhone, Body: secretText}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// A rolled-back report is not counted.
		rolledBack := errors.New("roll back")
		_ = st.InTx(ctx, func(tx *store.Tx) error {
			r := store.Report{Reference: "RL-TEST-0002", ContactID: c.ID, Channel: "sms", Lang: "en", Category: "housing", ContactMethod: "none", Consent: true}
			if err := tx.InsertReport(ctx, &r); err != nil {
				return err
			}
			return rolledBack
		})
		d := outbox.New(st, slog.New(slog.DiscardHandler))
		d.PerAddressPerMinute = 0
		calls := 0
		failing := outbox.SenderFunc(func(ctx context.Context, msg store.Outbound) (string, error) {
			calls++
			if calls == 1 {
				return "", outbox.Permanent(&discordgo.RESTError{Response: &http.Response{StatusCode: 403, Status: "403 Forbidden"}, Message: &discordgo.APIErrorMessage{Code: 50007, Message: "Cannot send messages to this user"}})
			}
			return "SM123", nil
		})
		dispatcher{d, m}.register("sms", failing)
		text := scrape(t, m)
		for _, want := range []string{
			`rightsline_reports_filed_total{category="housing",commission="dc-ohr"} 1`,
			`rightsline_outbox_backlog{channel="sms"} 2`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		if strings.Contains(text, `commission="none"`) {
			t.Error("a rolled-back report was counted")
		}
		// One recipient's rows go out one claim after another, in order.
		for range 2 {
			if _, err := d.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		text = scrape(t, m)
		for _, want := range []string{
			`rightsline_outbox_sends_total{channel="sms",outcome="failed"} 1`,
			`rightsline_outbox_sends_total{channel="sms",outcome="sent"} 1`,
			`rightsline_outbox_send_failures_total{channel="sms",code="discord_50007"} 1`,
			`rightsline_outbox_backlog{channel="sms"} 0`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		checkNoPersonalLabels(t, text, secretPhone, "12025550143", "RL-TEST", "Maria")
	})
}

func scrape(t *testing.T, m *metrics) string {
	t.Helper()
	w := httptest.NewRecorder()
	m.handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	return w.Body.String()
}

func TestLabelRefusesWhatIsNotASlug(t *testing.T) {
	for v, want := range map[string]string{
		"sms": "sms", "dc-ohr": "dc-ohr", "twilio_21610": "twilio_21610", "discord_50007": "discord_50007",
		"": "other", secretPhone: "other", "12025550143": "other", "750000000000000001": "other",
		"Maria": "other", "a b": "other", strings.Repeat("a", 41): "other", "x\"y": "other",
	} {
		if got := label(v); got != want {
			t.Errorf("label(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestProviderCodes(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&discordgo.RESTError{Message: &discordgo.APIErrorMessage{Code: 50007}}, "discord_50007"},
		{&discordgo.RESTError{Response: &http.Response{StatusCode: 503}}, "http_503"},
		{codedError("twilio_21610"), "twilio_21610"},
		{codedError(secretPhone), "other"},
		{context.DeadlineExceeded, "timeout"},
		{&net.OpError{Op: "dial", Err: errors.New("refused")}, "network"},
		{errors.New(secretPhone), "other"},
	} {
		if got := providerCode(c.err); got != c.want {
			t.Errorf("providerCode(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

type codedError string

func (e codedError) Error() string        { return "provider error" }
func (e codedError) ProviderCode() string { return string(e) }

// Every request gets an id (a proxy's valid one is kept) and one access
// log line with the route pattern, never the path's values or the query.
func TestAccessLogAndRequestIDs(t *testing.T) {
	var buf bytes.Buffer
	log := newLoggerTo(&buf, "info", "json")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /twilio/sms", func(w http.ResponseWriter, r *http.Request) {
		log.InfoContext(r.Context(), "inside")
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "hi")
	})
	mux.HandleFunc("GET /console/reports/{id}", func(w http.ResponseWriter, r *http.Request) {})
	h := instrument(log, newMetrics(), mux)

	req := httptest.NewRequest("POST", "/twilio/sms?From="+strings.ReplaceAll(secretPhone, "+", "%2B"), strings.NewReader("Body="+secretText))
	req.Header.Set(requestIDHeader, "0123456789abcdef-proxy")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Header().Get(requestIDHeader) != "0123456789abcdef-proxy" {
		t.Errorf("valid incoming id not kept: %q", w.Header().Get(requestIDHeader))
	}
	for _, forged := range []string{secretPhone, "12025550143", "short", strings.Repeat("x", 65), "bad id with spaces!!"} {
		req = httptest.NewRequest("GET", "/console/reports/RLXSECRET", nil)
		req.Header.Set(requestIDHeader, forged)
		w = httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if got := w.Header().Get(requestIDHeader); got == forged || !validRequestID(got) {
			t.Errorf("incoming id %q: answered with %q", forged, got)
		}
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	var access []map[string]any
	sawInside := false
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("not JSON: %s", l)
		}
		if rec["msg"] == "inside" {
			sawInside = rec["request_id"] == "0123456789abcdef-proxy"
		}
		if rec["msg"] == "http request" {
			access = append(access, rec)
		}
	}
	if !sawInside {
		t.Error("a log line written while handling a request does not carry its request_id")
	}
	if len(access) != 6 {
		t.Fatalf("%d access log lines, want 6:\n%s", len(access), buf.String())
	}
	first := access[0]
	if first["route"] != "/twilio/sms" || first["method"] != "POST" || first["status"] != float64(202) ||
		first["bytes"] != float64(2) || first["request_id"] != "0123456789abcdef-proxy" || first["duration"] == nil {
		t.Errorf("access line = %v", first)
	}
	if access[1]["route"] != "/console/reports/{id}" {
		t.Errorf("route = %v, want the pattern", access[1]["route"])
	}
	for _, s := range []string{"12025550143", "2025550143", "Maria", "From=", "RLXSECRET"} {
		if strings.Contains(buf.String(), s) {
			t.Errorf("the log holds %q:\n%s", s, buf.String())
		}
	}
}

func TestTextLogsRoundDurations(t *testing.T) {
	var buf bytes.Buffer
	newLoggerTo(&buf, "info", "text").Info("x", "duration", 1234567*time.Nanosecond, "wait", 12345678901*time.Nanosecond, "tiny", 1500*time.Nanosecond)
	got := buf.String()
	for _, want := range []string{"duration=1.23ms", "wait=12.3s", "tiny=1.5µs"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %s", got, want)
		}
	}
}

// The error that ends the process is a JSON record under LOG_FORMAT=json.
func TestFatalErrorInConfiguredFormat(t *testing.T) {
	var buf bytes.Buffer
	fatal(&buf, "json", errors.New("store: connect to postgres: database unreachable"))
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil || rec["level"] != "ERROR" || rec["msg"] != "fatal" ||
		!strings.Contains(rec["err"].(string), "database unreachable") {
		t.Fatalf("json fatal = %q (%v)", buf.String(), err)
	}
	buf.Reset()
	fatal(&buf, "text", errors.New("boom"))
	if buf.String() != "rightsline: boom\n" {
		t.Fatalf("text fatal = %q", buf.String())
	}
}

// SIGTERM first fails /readyz, keeps serving for DRAIN_TIMEOUT, then stops.
func TestServeDrainsBeforeStopping(t *testing.T) {
	base, stop := startServe(t, map[string]string{"DRAIN_TIMEOUT": "1500ms"})
	if code := status(t, base+"/readyz"); code != 200 {
		t.Fatalf("/readyz before SIGTERM: %d", code)
	}
	stopped := make(chan error, 1)
	began := time.Now()
	go func() { stopped <- stop() }()
	// During the drain: not ready, still alive and still answering.
	deadline := time.Now().Add(time.Second)
	for status(t, base+"/readyz") != http.StatusServiceUnavailable {
		if time.Now().After(deadline) {
			t.Fatal("/readyz still 200 after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code := status(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz during the drain: %d", code)
	}
	if code := status(t, base+"/try"); code != 200 {
		t.Errorf("/try during the drain: %d", code)
	}
	select {
	case err := <-stopped:
		t.Fatalf("stopped during the drain (after %s): %v", time.Since(began), err)
	default:
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took < 1500*time.Millisecond {
		t.Errorf("stopped %s after SIGTERM, before the 1.5s drain", took)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("still answering after it stopped")
	}
}

// status GETs url and returns the status code, 0 if nothing answered.
func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestHealthcheckCommand(t *testing.T) {
	healthy := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" && healthy {
			io.WriteString(w, "ok\n")
			return
		}
		http.Error(w, "no", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	t.Setenv("LISTEN_ADDR", strings.TrimPrefix(srv.URL, "http://"))
	var out bytes.Buffer
	if err := dispatch(t.Context(), []string{"healthcheck"}, nil, &out, io.Discard); err != nil || out.String() != "ok\n" {
		t.Fatalf("healthy: %v %q", err, out.String())
	}
	healthy = false
	if err := dispatch(t.Context(), []string{"healthcheck"}, nil, io.Discard, io.Discard); err == nil {
		t.Fatal("unhealthy service passed the health check")
	}
	srv.Close()
	if err := dispatch(t.Context(), []string{"healthcheck", "--timeout", "1s"}, nil, io.Discard, io.Discard); err == nil {
		t.Fatal("a service that is down passed the health check")
	}
	if u, err := healthURL(":8080", "/healthz"); err != nil || u != "http://127.0.0.1:8080/healthz" {
		t.Errorf("healthURL(:8080) = %q, %v", u, err)
	}
}

// The version stamped with -ldflags is what version, /healthz and the
// start-up log report.
func TestVersionStampedAtBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "rightsline")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=9.8.7-test", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil || string(out) != "rightsline 9.8.7-test\n" {
		t.Fatalf("version = %q, %v", out, err)
	}
	var buf bytes.Buffer
	if err := dispatch(t.Context(), []string{"version"}, nil, &buf, io.Discard); err != nil || !strings.HasPrefix(buf.String(), "rightsline ") {
		t.Fatalf("unstamped version = %q, %v", buf.String(), err)
	}
}

// Start-up waits for a database that is not reachable yet, and gives up
// after DB_STARTUP_TIMEOUT.
func TestStartupRetriesTheDatabase(t *testing.T) {
	pg := os.Getenv("TEST_DATABASE_URL")
	if pg == "" {
		if os.Getenv("RIGHTSLINE_REQUIRE_POSTGRES") != "" {
			t.Fatal("TEST_DATABASE_URL is not set")
		}
		t.Skip("TEST_DATABASE_URL is not set")
	}
	log := slog.New(slog.DiscardHandler)
	// Nothing listens on a port we just closed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg, _ := loadConfig(func(string) (string, bool) { return "", false })
	cfg.DatabaseURL = "postgres://postgres@" + addr + "/postgres?sslmode=disable&connect_timeout=2"
	cfg.DBStartupTimeout = 1200 * time.Millisecond
	began := time.Now()
	if _, err := connectStore(t.Context(), cfg, log); err == nil || !strings.Contains(err.Error(), "DB_STARTUP_TIMEOUT") {
		t.Fatalf("unreachable database: %v", err)
	}
	if took := time.Since(began); took < time.Second {
		t.Errorf("gave up after %s, before DB_STARTUP_TIMEOUT", took)
	}

	// The database comes up (a forwarder to the real server starts
	// listening) a second after start-up began.
	target := hostPort(t, pg)
	go func() {
		time.Sleep(time.Second)
		fwd, err := net.Listen("tcp", addr)
		if err != nil {
			return
		}
		t.Cleanup(func() { fwd.Close() })
		for {
			c, err := fwd.Accept()
			if err != nil {
				return
			}
			go forward(c, target)
		}
	}()
	cfg.DatabaseURL = strings.Replace(pg, target, addr, 1)
	cfg.DBStartupTimeout = 20 * time.Second
	st, err := connectStore(t.Context(), cfg, log)
	if err != nil {
		t.Fatalf("database that came up: %v", err)
	}
	st.Close()
}

func hostPort(t *testing.T, url string) string {
	t.Helper()
	m := regexp.MustCompile(`@([^/?]+)`).FindStringSubmatch(url)
	if m == nil {
		t.Fatalf("cannot find host:port in TEST_DATABASE_URL")
	}
	return m[1]
}

func forward(c net.Conn, target string) {
	defer c.Close()
	u, err := net.Dial("tcp", target)
	if err != nil {
		return
	}
	defer u.Close()
	go io.Copy(u, c)
	io.Copy(c, u)
}

func TestMigrateCommand(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "m.db")
	t.Setenv("DATABASE_URL", dbURL)
	var out bytes.Buffer
	if err := dispatch(t.Context(), []string{"migrate"}, nil, &out, io.Discard); err != nil || !strings.HasSuffix(out.String(), "sqlite database schema is up to date\n") {
		t.Fatalf("migrate: %v %q", err, out.String())
	}
	st, err := store.Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.OutboxBacklog(t.Context()); err != nil {
		t.Fatalf("schema not there after migrate: %v", err)
	}
}

// Every metric the Grafana dashboard graphs is one the service exports.
func TestGrafanaDashboardUsesExportedMetrics(t *testing.T) {
	raw, err := os.ReadFile("../../deploy/grafana/rightsline.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatal(err)
	}
	st := storetest.Open(t, storetest.SQLite)
	m := newMetrics()
	m.watchStore(st, slog.New(slog.DiscardHandler))
	// Touch every vector once so it appears in the exposition.
	m.httpRequests.WithLabelValues("/x", "GET", "200").Inc()
	m.httpDuration.WithLabelValues("/x", "GET").Observe(1)
	m.messages.WithLabelValues("sms", "in").Inc()
	m.txDuration.WithLabelValues("commit").Observe(1)
	m.outboxSends.WithLabelValues("sms", "sent").Inc()
	m.outboxFails.WithLabelValues("sms", "timeout").Inc()
	m.reports.WithLabelValues("none", "housing").Inc()
	exposition := scrape(t, m)
	exported := map[string]bool{}
	for _, line := range strings.Split(exposition, "\n") {
		if name, ok := strings.CutPrefix(line, "# TYPE "); ok {
			f := strings.Fields(name)
			exported[f[0]] = true
			if f[1] == "histogram" {
				for _, s := range []string{"_bucket", "_sum", "_count"} {
					exported[f[0]+s] = true
				}
			}
		}
	}
	metricRe := regexp.MustCompile(`\b(rightsline_[a-z_]+|go_sql_[a-z_]+)\b`)
	n := 0
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			for _, name := range metricRe.FindAllString(tg.Expr, -1) {
				n++
				if !exported[name] {
					t.Errorf("panel %q graphs %s, which /metrics does not export", p.Title, name)
				}
			}
		}
	}
	if n < 15 {
		t.Fatalf("only %d metric references in the dashboard", n)
	}
}
