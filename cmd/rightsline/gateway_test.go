package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// childEnv marks a run of this test binary as the rightsline command
// itself (see TestMain), for tests that run instances as processes.
const childEnv = "RIGHTSLINE_TEST_AS_MAIN"

// childDiscordEnv is where a child sends what it would send to
// discord.com: a fake Discord on loopback.
const childDiscordEnv = "RIGHTSLINE_TEST_DISCORD_URL"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		if fake, twilio := os.Getenv(childDiscordEnv), os.Getenv(childTwilioEnv); fake != "" || twilio != "" {
			http.DefaultTransport = redirectTransport{to: fake, twilio: twilio, next: http.DefaultTransport}
		}
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// redirectTransport sends requests for Discord's API to the fake and
// refuses any other host that is not loopback.
type redirectTransport struct {
	to     string
	twilio string // the fake Twilio of the fault suite, if any
	next   http.RoundTripper
}

func (rt redirectTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	host := r.URL.Hostname()
	if host == "api.twilio.com" && rt.twilio != "" {
		u, _ := url.Parse(rt.twilio)
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = u.Scheme, u.Host, u.Host
	} else if strings.HasSuffix(host, "discord.com") || strings.HasSuffix(host, "discordapp.com") {
		u, _ := url.Parse(rt.to)
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = u.Scheme, u.Host, u.Host
	} else if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("test child: refusing to reach %s", host)
	}
	return rt.next.RoundTrip(r)
}

// fakeDiscord is Discord's gateway and the bit of its REST API a DM
// conversation uses: GET /gateway, the websocket (hello, identify or
// resume, ready, heartbeats), and POST /channels/{id}/messages. Like
// Discord, it delivers every event to every connected session of the bot.
type fakeDiscord struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	conns    map[*websocket.Conn]*sync.Mutex
	seq      int
	readies  []time.Time // when each session was made ready
	replies  map[string][]string
	upgrader websocket.Upgrader
}

func newFakeDiscord(t *testing.T) *fakeDiscord {
	f := &fakeDiscord{t: t, conns: map[*websocket.Conn]*sync.Mutex{}, replies: map[string][]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/{v}/gateway", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"url": "ws://" + f.srv.Listener.Addr().String() + "/ws"})
	})
	mux.HandleFunc("POST /api/{v}/channels/{id}/messages", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Content string `json:"content"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		id := r.PathValue("id")
		f.mu.Lock()
		f.replies[id] = append(f.replies[id], body.Content)
		n := len(f.replies[id])
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"id": fmt.Sprintf("%s-r%d", id, n), "channel_id": id, "content": body.Content})
	})
	mux.HandleFunc("GET /ws/", f.gateway) // discordgo asks for /ws/?v=…
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeDiscord) gateway(w http.ResponseWriter, r *http.Request) {
	c, err := f.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	wmu := &sync.Mutex{}
	send := func(v any) error {
		wmu.Lock()
		defer wmu.Unlock()
		return c.WriteJSON(v)
	}
	defer func() {
		f.mu.Lock()
		delete(f.conns, c)
		f.mu.Unlock()
		c.Close()
	}()
	if send(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 1000}}) != nil {
		return
	}
	for {
		var p struct {
			Op int `json:"op"`
		}
		if err := c.ReadJSON(&p); err != nil {
			return
		}
		switch p.Op {
		case 1: // heartbeat
			send(map[string]any{"op": 11})
		case 2, 6: // identify, resume
			f.mu.Lock()
			f.seq++
			s := f.seq
			f.mu.Unlock()
			err := send(map[string]any{"op": 0, "t": "READY", "s": s, "d": map[string]any{
				"v": 10, "session_id": fmt.Sprintf("session-%d", s), "resume_gateway_url": "ws://" + f.srv.Listener.Addr().String() + "/ws",
				"user": map[string]any{"id": "900000000000000001", "username": "rightsline", "bot": true}, "guilds": []any{},
			}})
			if err != nil {
				return
			}
			f.mu.Lock()
			f.conns[c] = wmu
			f.readies = append(f.readies, time.Now())
			f.mu.Unlock()
		}
	}
}

// sessions is how many sessions are connected and ready.
func (f *fakeDiscord) sessions() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.conns)
}

func (f *fakeDiscord) lastReady() (time.Time, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.readies) == 0 {
		return time.Time{}, 0
	}
	return f.readies[len(f.readies)-1], len(f.readies)
}

// dm delivers a direct message event, with the given message id, from
// user to every connected session.
func (f *fakeDiscord) dm(id, user, text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	ev := map[string]any{"op": 0, "t": "MESSAGE_CREATE", "s": f.seq, "d": map[string]any{
		"id": id, "channel_id": "dm-" + user, "content": text, "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"author": map[string]any{"id": user, "username": "member"},
	}}
	for c, wmu := range f.conns {
		wmu.Lock()
		c.WriteJSON(ev)
		wmu.Unlock()
	}
}

func (f *fakeDiscord) repliesTo(user string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.replies["dm-"+user])
}

// instance is one rightsline serve process.
type instance struct {
	cmd  *exec.Cmd
	base string
}

func startInstance(t *testing.T, dbURL, discordURL, keys string) *instance {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Env = append(os.Environ(), childEnv+"=1", childDiscordEnv+"="+discordURL,
		"DATABASE_URL="+dbURL, "DB_MAX_OPEN_CONNS=4", "DATA_KEYS="+keys, "LISTEN_ADDR=127.0.0.1:0", "LOG_LEVEL=warn", "LOG_FORMAT=json", "DRAIN_TIMEOUT=0",
		"DISCORD_APP_ID=900000000000000001", "DISCORD_PUBLIC_KEY="+strings.Repeat("ab", 32), "DISCORD_BOT_TOKEN=test-token",
		"TWILIO_ACCOUNT_SID=", "TWILIO_AUTH_TOKEN=")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	in := &instance{cmd: cmd}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
		}
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "http://"); i >= 0 && strings.Contains(line, "/try") {
			in.base = strings.TrimSuffix(strings.Fields(line[i:])[0], "/try")
			break
		}
	}
	go io.Copy(io.Discard, stdout)
	if in.base == "" {
		t.Fatal("instance did not start")
	}
	return in
}

// leads reports whether the instance's /metrics says it holds the gateway.
func (in *instance) leads() bool {
	resp, err := http.Get(in.base + "/metrics")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return strings.Contains(string(b), "\nrightsline_discord_gateway_leader 1\n")
}

// Three instances on one Postgres: exactly one holds the Discord gateway,
// each DM gets one reply, a repeated event gets none, and when the holder
// is killed (kill -9) another takes over within seconds.
func TestThreeInstancesOneGateway(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three instances")
	}
	dbURL := storetest.PostgresSchemaURL(t)
	fake := newFakeDiscord(t)
	keys, err := store.NewKeyring("k1")
	if err != nil {
		t.Fatal(err)
	}
	var insts []*instance
	for range 3 {
		insts = append(insts, startInstance(t, dbURL, fake.srv.URL, keys))
	}
	waitFor := func(what string, d time.Duration, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(d)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	holders := func(of []*instance) (n, which int) {
		which = -1
		for i, in := range of {
			if in.leads() {
				n++
				which = i
			}
		}
		return n, which
	}
	waitFor("one gateway session", 30*time.Second, func() bool { return fake.sessions() == 1 })
	waitFor("one holder in the metrics", 10*time.Second, func() bool { n, _ := holders(insts); return n == 1 })
	// The others keep trying: still one session a few polls later.
	time.Sleep(2500 * time.Millisecond)
	if n := fake.sessions(); n != 1 {
		t.Fatalf("%d gateway sessions, want 1", n)
	}

	// exchange sends one DM from each of users and checks each gets
	// exactly one reply.
	exchange := func(round string, users int) {
		t.Helper()
		for u := range users {
			fake.dm(fmt.Sprintf("%s-msg-%d", round, u), fmt.Sprintf("%s-user-%d", round, u), "hola")
		}
		waitFor("replies in round "+round, 30*time.Second, func() bool {
			for u := range users {
				if fake.repliesTo(fmt.Sprintf("%s-user-%d", round, u)) == 0 {
					return false
				}
			}
			return true
		})
		time.Sleep(1500 * time.Millisecond) // time for a double to arrive
		for u := range users {
			if n := fake.repliesTo(fmt.Sprintf("%s-user-%d", round, u)); n != 1 {
				t.Errorf("round %s, user %d: %d replies, want 1", round, u, n)
			}
		}
	}
	exchange("a", 5)
	// The same event delivered again (a resumed session replays it) is
	// not answered again.
	fake.dm("a-msg-0", "a-user-0", "hola")
	time.Sleep(1500 * time.Millisecond)
	if n := fake.repliesTo("a-user-0"); n != 1 {
		t.Errorf("a repeated event: %d replies in all, want 1", n)
	}

	_, h := holders(insts)
	_, readies := fake.lastReady()
	killed := time.Now()
	if err := insts[h].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	insts[h].cmd.Wait()
	var took time.Duration
	waitFor("a new gateway session after kill -9", 30*time.Second, func() bool {
		at, n := fake.lastReady()
		if n > readies && fake.sessions() == 1 {
			took = at.Sub(killed)
			return true
		}
		return false
	})
	t.Logf("gateway failover after kill -9 of the holder: %s", took.Round(time.Millisecond))
	if took > 15*time.Second {
		t.Errorf("failover took %s, want seconds", took)
	}
	live := append(append([]*instance{}, insts[:h]...), insts[h+1:]...)
	waitFor("one holder among the survivors", 10*time.Second, func() bool { n, _ := holders(live); return n == 1 })

	exchange("b", 5)
	// An event the dead holder answered, delivered to the new holder, is
	// not answered again.
	fake.dm("a-msg-1", "a-user-1", "hola")
	time.Sleep(1500 * time.Millisecond)
	if n := fake.repliesTo("a-user-1"); n != 1 {
		t.Errorf("an event handled before the failover: %d replies in all, want 1", n)
	}
	if n := fake.sessions(); n != 1 {
		t.Errorf("%d gateway sessions at the end, want 1", n)
	}
}
