package main

// The fault suite: the service killed (kill -9) under load, retried and
// concurrent duplicate webhooks, Postgres stopped under load, and the
// outbox killed while staff updates flow. Each test prints a table row
// (tried, acknowledged, lost, doubled, out of order) with -v.
//
// A small size runs in every `go test ./...`; the full size is
//
//	go test ./cmd/rightsline -run Fault -fault.full -v -timeout 60m
//
// (10,000 signed webhooks, 600 staff updates, a 20 s Postgres outage).

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot/sms"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

var faultFull = flag.Bool("fault.full", false, "run the fault tests at full scale")

// faultScale is the size of one run.
type faultScale struct {
	residents, perResident int           // signed webhooks: residents × messages each
	updates, recipients    int           // staff updates through the outbox
	outage                 time.Duration // how long Postgres is stopped
	lease                  string        // OUTBOX_LEASE of the instances
}

func scaleOf() faultScale {
	if *faultFull {
		return faultScale{residents: 100, perResident: 100, updates: 600, recipients: 60, outage: 20 * time.Second, lease: "15s"}
	}
	return faultScale{residents: 6, perResident: 12, updates: 120, recipients: 20, outage: 20 * time.Second, lease: "3s"}
}

// Test Twilio account; PUBLIC_BASE_URL of the instances.
const (
	faultAccount = "AC000000000000000000000000000fa017"
	faultToken   = "faultsuiteauthtoken0123456789abcd"
	faultFrom    = "+12025550100"
	faultBase    = "https://rightsline.test"
)

// faultLogLevel is the instances' log level: RIGHTSLINE_FAULT_LOG=info
// shows what they do.
func faultLogLevel() string {
	if v := os.Getenv("RIGHTSLINE_FAULT_LOG"); v != "" {
		return v
	}
	return "error"
}

// childTwilioEnv is where a child sends what it would send to
// api.twilio.com: the fake Twilio below.
const childTwilioEnv = "RIGHTSLINE_TEST_TWILIO_URL"

// ---- the fake Twilio: Messages API and status callbacks ----

type twilioMsg struct {
	sid, to, body string
	at            time.Time
}

// faultTwilio is Twilio's REST API on loopback: it takes messages (after
// a delay, so that kills land mid-send), lists them as Lookup asks, and
// posts a signed "sent" status callback to the live instance, as Twilio
// would to PUBLIC_BASE_URL.
type faultTwilio struct {
	srv   *httptest.Server
	delay time.Duration
	live  atomic.Pointer[string] // base URL of the instance to call back
	mu    sync.Mutex
	msgs  []twilioMsg
}

func newFaultTwilio(t *testing.T) *faultTwilio {
	ft := &faultTwilio{delay: 80 * time.Millisecond}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{account}/Messages.json", func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != faultAccount || p != faultToken {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		r.ParseForm()
		time.Sleep(ft.delay)
		ft.mu.Lock()
		m := twilioMsg{sid: fmt.Sprintf("SM%032x", len(ft.msgs)+1), to: r.PostForm.Get("To"), body: r.PostForm.Get("Body"), at: time.Now()}
		ft.msgs = append(ft.msgs, m)
		ft.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"sid": m.sid, "status": "queued", "to": m.to, "body": m.body, "direction": "outbound-api"})
		if cb := r.PostForm.Get("StatusCallback"); cb != "" {
			go ft.callback(cb, m)
		}
	})
	mux.HandleFunc("GET /2010-04-01/Accounts/{account}/Messages.json", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		out := []map[string]any{}
		ft.mu.Lock()
		for i := len(ft.msgs) - 1; i >= 0; i-- {
			if m := ft.msgs[i]; m.to == q.Get("To") {
				out = append(out, map[string]any{"sid": m.sid, "to": m.to, "from": faultFrom, "body": m.body, "direction": "outbound-api"})
			}
		}
		ft.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"messages": out, "page": 0, "page_size": 1000, "next_page_uri": nil})
	})
	ft.srv = httptest.NewServer(mux)
	t.Cleanup(ft.srv.Close)
	return ft
}

// callback posts Twilio's "sent" status for m to the live instance.
func (ft *faultTwilio) callback(cb string, m twilioMsg) {
	live := ft.live.Load()
	if live == nil || !strings.HasPrefix(cb, faultBase) {
		return
	}
	form := url.Values{"MessageSid": {m.sid}, "SmsSid": {m.sid}, "MessageStatus": {"sent"}, "SmsStatus": {"sent"},
		"AccountSid": {faultAccount}, "From": {faultFrom}, "To": {m.to}, "ApiVersion": {"2010-04-01"}}
	req, _ := http.NewRequest(http.MethodPost, *live+strings.TrimPrefix(cb, faultBase), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", sms.Sign(faultToken, cb, form))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
}

// sent returns what Twilio took, in order.
func (ft *faultTwilio) sent() []twilioMsg {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return append([]twilioMsg(nil), ft.msgs...)
}

// ---- instances ----

// smsInstance is one `rightsline serve` process with SMS on, restartable
// on the same database and spool.
type smsInstance struct {
	t    *testing.T
	env  []string
	mu   sync.Mutex
	cmd  *exec.Cmd
	base atomic.Pointer[string]
}

func startSMS(t *testing.T, dbURL, keys string, ft *faultTwilio, extra ...string) *smsInstance {
	t.Helper()
	env := append(os.Environ(), childEnv+"=1", childTwilioEnv+"="+ft.srv.URL,
		"DATABASE_URL="+dbURL, "DB_MAX_OPEN_CONNS=4", "DATA_KEYS="+keys, "LISTEN_ADDR=127.0.0.1:0", "LOG_LEVEL="+faultLogLevel(), "LOG_FORMAT=json",
		"DRAIN_TIMEOUT=0", "DB_STARTUP_TIMEOUT=30s",
		"TWILIO_ACCOUNT_SID="+faultAccount, "TWILIO_AUTH_TOKEN="+faultToken, "TWILIO_FROM="+faultFrom, "PUBLIC_BASE_URL="+faultBase,
		"SMS_RATE_LIMIT_PER_MINUTE=100000", "OUTBOX_PER_ADDRESS_PER_MINUTE=100000", "OUTBOX_POLL_INTERVAL=200ms",
		"SPOOL_DIR="+filepath.Join(t.TempDir(), "spool"), "DISCORD_BOT_TOKEN=", "DISCORD_APP_ID=", "DISCORD_PUBLIC_KEY=")
	in := &smsInstance{t: t, env: append(env, extra...)}
	in.start(ft)
	t.Cleanup(func() {
		in.mu.Lock()
		cmd := in.cmd
		in.mu.Unlock()
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
		}
	})
	return in
}

func (in *smsInstance) start(ft *faultTwilio) {
	in.t.Helper()
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Env = in.env
	// The instance dies with this test process even when the test is cut
	// short (a timeout panic, kill -9) and its cleanups never run.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		in.t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	base := ""
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "http://"); i >= 0 && strings.Contains(line, "/console") {
			base = strings.TrimSuffix(strings.TrimSuffix(strings.Fields(line[i:])[0], "/try"), "/console")
			break
		}
	}
	go io.Copy(io.Discard, stdout)
	if base == "" {
		in.t.Fatal("instance did not start")
	}
	in.mu.Lock()
	in.cmd = cmd
	in.mu.Unlock()
	in.base.Store(&base)
	ft.live.Store(&base)
}

// kill is kill -9, then a restart on the same database and spool.
func (in *smsInstance) killAndRestart(ft *faultTwilio) {
	in.mu.Lock()
	cmd := in.cmd
	in.mu.Unlock()
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	in.start(ft)
}

// ---- signed webhooks ----

// residentLoad sends each resident's messages one after another, as a
// phone does, signed as Twilio signs them, retrying on a connection error
// or a 5xx with the same MessageSid (what Twilio does with #rc=), and
// sending some twice at once and some again after their answer.
type residentLoad struct {
	base          func() string
	tried, acked  atomic.Int64
	twimlReplies  sync.Map // address → *atomic.Int64
	ackedSids     sync.Map // address → []string (in send order), written by its one goroutine
	dupsConcurent atomic.Int64
	dupsRetried   atomic.Int64
	giveUp        time.Duration
}

var script = []string{"hola", "1", "2", "menu", "hello", "my landlord changed the locks", "3", "LANGUAGE", "1", "bonjour"}

func (l *residentLoad) resident(ctx context.Context, r, n int, prefix int) {
	addr := fmt.Sprintf("+1202555%04d", r)
	replies := &atomic.Int64{}
	l.twimlReplies.Store(addr, replies)
	var sids []string
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		sid := fmt.Sprintf("SM%08x%024x", prefix, r*100000+i)
		form := url.Values{"MessageSid": {sid}, "SmsSid": {sid}, "AccountSid": {faultAccount}, "From": {addr}, "To": {faultFrom},
			"Body": {script[i%len(script)]}, "NumMedia": {"0"}, "ApiVersion": {"2010-04-01"}}
		l.tried.Add(1)
		var twiml string
		ok := false
		deadline := time.Now().Add(l.giveUp)
		for time.Now().Before(deadline) {
			if i%9 == 4 {
				l.dupsConcurent.Add(1)
				go postWebhook(l.base(), form) // the same message twice at once
			}
			status, body, err := postWebhook(l.base(), form)
			if err == nil && status == http.StatusOK {
				twiml, ok = body, true
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if !ok {
			continue
		}
		l.acked.Add(1)
		sids = append(sids, sid)
		if countTwiML(twiml) > 0 {
			replies.Add(1)
		}
		if i%11 == 6 {
			l.dupsRetried.Add(1)
			postWebhook(l.base(), form) // Twilio retrying a message already answered
		}
	}
	l.ackedSids.Store(addr, sids)
}

func postWebhook(base string, form url.Values) (int, string, error) {
	req, _ := http.NewRequest(http.MethodPost, base+sms.InboundPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", sms.Sign(faultToken, faultBase+sms.InboundPath, form))
	c := http.Client{Timeout: 20 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

func countTwiML(body string) int {
	var doc struct {
		Messages []string `xml:"Message"`
	}
	if xml.Unmarshal([]byte(body), &doc) != nil {
		return 0
	}
	return len(doc.Messages)
}

// faultRow is one line of the table.
type faultRow struct {
	test, backend                                       string
	tried, acked, lost, doubled, outOfOrder, unanswered int
	note                                                string
}

func (r faultRow) log(t *testing.T) {
	t.Helper()
	t.Logf("FAULT | %-22s | %-8s | tried %6d | acknowledged %6d | lost %d | doubled %d | out of order %d | unanswered %d | %s",
		r.test, r.backend, r.tried, r.acked, r.lost, r.doubled, r.outOfOrder, r.unanswered, r.note)
	if r.lost+r.doubled+r.outOfOrder+r.unanswered > 0 {
		t.Errorf("%s on %s: %d lost, %d doubled, %d out of order, %d unanswered; want none", r.test, r.backend, r.lost, r.doubled, r.outOfOrder, r.unanswered)
	}
}

// checkInbound compares what residents were told was received with what
// the database holds, and their replies (TwiML or, for spooled messages,
// the outbox) with what they sent.
func checkInbound(t *testing.T, st *store.Store, l *residentLoad, ft *faultTwilio) faultRow {
	t.Helper()
	ctx := t.Context()
	row := faultRow{tried: int(l.tried.Load()), acked: int(l.acked.Load())}
	outboxTo := map[string]int{}
	for _, m := range ft.sent() {
		outboxTo[m.to]++
	}
	l.ackedSids.Range(func(k, v any) bool {
		addr, sids := k.(string), v.([]string)
		c, err := st.ContactByAddress(ctx, sms.Channel, addr)
		if err != nil {
			row.lost += len(sids)
			return true
		}
		msgs, err := st.Transcript(ctx, c.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		var order []string
		for _, m := range msgs {
			if m.Direction == store.DirectionIn && m.ExternalID != "" {
				seen[m.ExternalID]++
				order = append(order, m.ExternalID)
			}
		}
		pos := map[string]int{}
		for i, s := range order {
			pos[s] = i
		}
		last := -1
		for _, s := range sids {
			switch n := seen[s]; {
			case n == 0:
				row.lost++
				continue
			case n > 1:
				row.doubled += n - 1
			}
			if pos[s] < last {
				row.outOfOrder++
			}
			last = pos[s]
		}
		r, _ := l.twimlReplies.Load(addr)
		if got := int(r.(*atomic.Int64).Load()) + outboxTo[addr]; got < len(sids) {
			row.unanswered += len(sids) - got
		}
		return true
	})
	return row
}

func faultKeys(t *testing.T) string {
	keys, err := store.NewKeyring("k1")
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func openWithKeys(t *testing.T, dbURL, keys string) *store.Store {
	t.Helper()
	k, err := store.ParseKeys(keys)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.Context(), dbURL, store.WithKeys(k))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// ---- the tests ----

// kill -9 three times under signed webhooks, with retried and concurrent
// duplicates: nothing acknowledged is lost, nothing is stored twice, each
// resident's messages are stored in the order sent, and each got a reply.
func TestFaultKillUnderWebhooks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs instances and kills them")
	}
	sc := scaleOf()
	for _, backend := range []string{storetest.SQLite, storetest.Postgres} {
		t.Run(backend, func(t *testing.T) {
			if backend == storetest.Postgres {
				storetest.PostgresURL(t)
			}
			dbURL, keys := storetest.URL(t, backend), faultKeys(t)
			ft := newFaultTwilio(t)
			in := startSMS(t, dbURL, keys, ft)
			l := &residentLoad{base: func() string { return *in.base.Load() }, giveUp: time.Minute}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var wg sync.WaitGroup
			for r := range sc.residents {
				wg.Go(func() { l.resident(ctx, r, sc.perResident, 1) })
			}
			total := int64(sc.residents * sc.perResident)
			for k := range 3 {
				waitUntil(t, "webhooks before kill", time.Minute, func() bool { return l.tried.Load() >= total*int64(k+1)/4 })
				in.killAndRestart(ft)
			}
			wg.Wait()
			time.Sleep(2 * time.Second) // replies of duplicates, callbacks
			row := checkInbound(t, openWithKeys(t, dbURL, keys), l, ft)
			row.test, row.backend = "kill -9 ×3, webhooks", backend
			row.note = fmt.Sprintf("%d concurrent and %d retried duplicates", l.dupsConcurent.Load(), l.dupsRetried.Load())
			row.log(t)
		})
	}
}

// kill -9 three times while staff updates flow through the outbox to a
// fake Twilio: every update delivered, none twice, none out of order, all
// within 30 s of the last restart.
func TestFaultKillOutbox(t *testing.T) {
	if testing.Short() {
		t.Skip("runs instances and kills them")
	}
	sc := scaleOf()
	for _, backend := range []string{storetest.SQLite, storetest.Postgres} {
		t.Run(backend, func(t *testing.T) {
			if backend == storetest.Postgres {
				storetest.PostgresURL(t)
			}
			dbURL, keys := storetest.URL(t, backend), faultKeys(t)
			ft := newFaultTwilio(t)
			in := startSMS(t, dbURL, keys, ft, "OUTBOX_LEASE="+sc.lease)
			st := openWithKeys(t, dbURL, keys)
			ctx := t.Context()
			var contacts []store.Contact
			for r := range sc.recipients {
				err := st.InTx(ctx, func(tx *store.Tx) error {
					c, err := tx.ContactForUpdate(ctx, sms.Channel, fmt.Sprintf("+1202556%04d", r))
					contacts = append(contacts, c)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			// Updates are queued while the instance is killed and restarted.
			per := sc.updates / sc.recipients
			queued := atomic.Int64{}
			done := make(chan struct{})
			go func() {
				defer close(done)
				for k := range per {
					for _, c := range contacts {
						err := st.InTx(ctx, func(tx *store.Tx) error {
							_, err := tx.EnqueueOutbound(ctx, &store.Outbound{Channel: sms.Channel, ContactID: c.ID, Address: c.Address,
								Body: fmt.Sprintf("Update %03d on your report.", k)})
							return err
						})
						if err != nil {
							t.Error(err)
							return
						}
						queued.Add(1)
					}
					time.Sleep(40 * time.Millisecond)
				}
			}()
			var lastRestart time.Time
			for k := range 3 {
				waitUntil(t, fmt.Sprintf("updates sent before kill %d", k), time.Minute, func() bool { return len(ft.sent()) >= sc.updates*(k+1)/5 },
					func() string {
						rows, _ := st.OutboundByContact(ctx, contacts[0].ID)
						var sts []string
						for _, r := range rows {
							sts = append(sts, r.Status+":"+r.LastError)
						}
						return fmt.Sprintf("queued %d, sent %d, first contact's rows %v", queued.Load(), len(ft.sent()), sts)
					})
				in.killAndRestart(ft)
				lastRestart = time.Now()
			}
			<-done
			deadline := time.Now().Add(90 * time.Second)
			delivered := func() map[string]int {
				got := map[string]int{}
				for _, m := range ft.sent() {
					got[m.to+"\x00"+m.body]++
				}
				return got
			}
			for len(delivered()) < sc.updates && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			time.Sleep(sc.leaseDuration() + time.Second) // a late double would show by now
			row := faultRow{test: "kill -9 ×3, outbox", backend: backend, tried: int(queued.Load())}
			got := delivered()
			row.acked = len(got)
			row.lost = sc.updates - len(got)
			for _, n := range got {
				row.doubled += n - 1
			}
			lastAt := map[string]string{}
			var latest time.Time
			for _, m := range ft.sent() {
				if m.body < lastAt[m.to] {
					row.outOfOrder++
				}
				lastAt[m.to] = m.body
				if m.at.After(latest) {
					latest = m.at
				}
			}
			took := latest.Sub(lastRestart)
			row.note = fmt.Sprintf("last update %.1fs after the last restart (lease %s); in doubt after it: %s", took.Seconds(), sc.lease, inDoubtFigures(*in.base.Load()))
			row.log(t)
			if took > 30*time.Second {
				t.Errorf("the last update went out %s after the last restart; want within 30 s", took)
			}
		})
	}
}

// inDoubtFigures reads how the instance settled in-doubt rows, from its
// /metrics.
func inDoubtFigures(base string) string {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return "?"
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "rightsline_outbox_in_doubt_total{") {
			out = append(out, strings.TrimPrefix(line, "rightsline_outbox_in_doubt_total"))
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// waitUntil polls cond until it holds, failing the test after d.
func waitUntil(t *testing.T, what string, d time.Duration, cond func() bool, state ...func() string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			var more []string
			for _, f := range state {
				more = append(more, f())
			}
			t.Fatalf("timed out after %s waiting for %s %v", d, what, more)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s faultScale) leaseDuration() time.Duration {
	d, _ := time.ParseDuration(s.lease)
	return d
}

// Postgres (a cluster of this test's own, never the shared server) is
// stopped under load: webhooks are spooled and answered 200, replayed in
// order when it is back; every acknowledged message is stored once and
// every resident got their replies.
func TestFaultPostgresOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs instances and kills them")
	}
	if os.Getenv("TEST_DATABASE_URL") == "" && os.Getenv("RIGHTSLINE_REQUIRE_POSTGRES") == "" {
		t.Skip("runs with the Postgres tests (TEST_DATABASE_URL)")
	}
	sc := scaleOf()
	pg := startCluster(t)
	dbURL, keys := pg.url(), faultKeys(t)
	ft := newFaultTwilio(t)
	in := startSMS(t, dbURL, keys, ft)
	l := &residentLoad{base: func() string { return *in.base.Load() }, giveUp: 2 * time.Minute}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// Each resident writes steadily, through the outage and after it.
	perResident := max(sc.perResident, int((sc.outage+6*time.Second)/(250*time.Millisecond)))
	var wg sync.WaitGroup
	for r := range max(4, sc.residents/2) {
		wg.Go(func() { l.residentPaced(ctx, r, perResident, 2, 250*time.Millisecond) })
	}
	time.Sleep(3 * time.Second)
	pg.stop(t)
	t.Logf("Postgres stopped for %s", sc.outage)
	atStop := l.acked.Load()
	time.Sleep(sc.outage)
	during := l.acked.Load() - atStop
	pg.start(t)
	wg.Wait()
	// The spool replays within seconds; the replies go through the outbox.
	st := openWithKeys(t, dbURL, keys)
	deadline := time.Now().Add(5 * time.Minute)
	back := time.Now()
	var row faultRow
	for {
		row = checkInbound(t, st, l, ft)
		if row.lost+row.unanswered == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	row.test, row.backend = fmt.Sprintf("Postgres down %s", sc.outage), "postgres"
	row.note = fmt.Sprintf("%d acknowledged during the outage (spooled); all stored and answered %.0fs after Postgres was back", during, time.Since(back).Seconds())
	row.log(t)
	if during == 0 {
		t.Error("nothing was acknowledged while Postgres was down: the spool did not take over")
	}
}

// residentPaced is resident with a pause between messages, so the load
// spans the outage.
func (l *residentLoad) residentPaced(ctx context.Context, r, n, prefix int, pause time.Duration) {
	addr := fmt.Sprintf("+1202557%04d", r)
	replies := &atomic.Int64{}
	l.twimlReplies.Store(addr, replies)
	var sids []string
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		sid := fmt.Sprintf("SM%08x%024x", prefix, r*100000+i)
		form := url.Values{"MessageSid": {sid}, "SmsSid": {sid}, "AccountSid": {faultAccount}, "From": {addr}, "To": {faultFrom},
			"Body": {script[i%len(script)]}, "NumMedia": {"0"}, "ApiVersion": {"2010-04-01"}}
		l.tried.Add(1)
		if i%9 == 4 {
			l.dupsConcurent.Add(1)
			go postWebhook(l.base(), form)
		}
		status, body, err := postWebhook(l.base(), form)
		if err == nil && status == http.StatusOK {
			l.acked.Add(1)
			sids = append(sids, sid)
			if countTwiML(body) > 0 {
				replies.Add(1)
			}
		}
		time.Sleep(pause)
	}
	l.ackedSids.Store(addr, sids)
}

// ---- a Postgres cluster of the test's own ----

type cluster struct {
	bin, dir string
	port     int
	asUser   string // run the server as this user when the test runs as root
}

// startCluster makes a fresh cluster with initdb in a temporary
// directory and starts it on a free port. The shared server is never
// touched.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	bin := ""
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		bin = filepath.Dir(p)
	} else if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl"); len(m) > 0 {
		bin = filepath.Dir(m[len(m)-1])
	} else {
		t.Skip("no pg_ctl/initdb on this machine")
	}
	root, err := os.MkdirTemp("", "rightsline-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	c := &cluster{bin: bin, dir: filepath.Join(root, "data"), port: freePort(t)}
	if os.Geteuid() == 0 { // Postgres refuses to run as root
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root without a postgres user")
		}
		c.asUser = u.Username
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		os.Chmod(root, 0o755)
		os.Mkdir(c.dir, 0o700)
		os.Chown(c.dir, uid, gid)
	}
	c.run(t, "initdb", "-D", c.dir, "-U", "postgres", "--auth=trust", "-N")
	c.watchdog(t) // before start: a kill between the two would leave it running
	c.start(t)
	t.Cleanup(func() { c.run(t, "pg_ctl", "-D", c.dir, "-m", "immediate", "-w", "stop") })
	return c
}

// watchdog stops the cluster when this test process is gone, for a run cut
// short before its cleanups (a timeout panic, kill -9): pg_ctl daemonizes the
// server, so it would otherwise outlive the test and keep its port, its
// files and whatever descriptors the test inherited. It removes the
// cluster's directory too.
func (c *cluster) watchdog(t *testing.T) {
	stop := []string{filepath.Join(c.bin, "pg_ctl"), "-D", c.dir, "-m", "immediate", "-w", "stop"}
	if c.asUser != "" {
		stop = append([]string{"runuser", "-u", c.asUser, "--"}, stop...)
	}
	script := fmt.Sprintf("while kill -0 %d 2>/dev/null; do sleep 1; done; if [ -f %q ]; then \"$@\"; fi; rm -rf %q",
		os.Getpid(), filepath.Join(c.dir, "postmaster.pid"), filepath.Dir(c.dir))
	w := exec.Command("sh", append([]string{"-c", script, "watchdog"}, stop...)...)
	w.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := w.Start(); err != nil {
		t.Logf("cluster watchdog not started: %v", err)
		return
	}
	go w.Wait()
}

func (c *cluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

func (c *cluster) start(t *testing.T) {
	c.run(t, "pg_ctl", "-D", c.dir, "-w", "-l", filepath.Join(c.dir, "server.log"), "-o",
		fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", c.port, c.dir), "start")
}

// stop is a fast shutdown: connections are cut, as in an outage.
func (c *cluster) stop(t *testing.T) { c.run(t, "pg_ctl", "-D", c.dir, "-m", "fast", "-w", "stop") }

func (c *cluster) run(t *testing.T, tool string, args ...string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(c.bin, tool), args...)
	if c.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.asUser, "--", filepath.Join(c.bin, tool)}, args...)...)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, out)
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
