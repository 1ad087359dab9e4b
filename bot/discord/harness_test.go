package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

const (
	testAppID = "100000000000000001"
	testToken = "test-bot-token"
)

// fakeDiscord is Discord's REST API on loopback: it records every call the
// bot makes (follow-ups, DMs, command registration) and answers as Discord
// would, enough for discordgo to be satisfied.
type fakeDiscord struct {
	srv   *httptest.Server
	mu    sync.Mutex
	calls []apiCall
	// fail makes every call answer 500 (to test what the bot does then).
	fail bool
	// refuseDM makes message sends answer Discord's "Cannot send messages
	// to this user" (a member with DMs off).
	refuseDM bool
}

// apiCall is one recorded REST call.
type apiCall struct {
	Method, Path string
	Auth         string
	Body         map[string]any
	List         []any
}

func newFakeDiscord(t testing.TB) *fakeDiscord {
	f := &fakeDiscord{}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeDiscord) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	c := apiCall{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization")}
	if len(raw) > 0 {
		if raw[0] == '[' {
			_ = json.Unmarshal(raw, &c.List)
		} else {
			_ = json.Unmarshal(raw, &c.Body)
		}
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	fail, refuseDM := f.fail, f.refuseDM
	n := len(f.calls)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if fail {
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"message":"fake outage","code":0}`)
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/api/v"+discordgo.APIVersion)
	if refuseDM && strings.HasSuffix(path, "/messages") {
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"message":"Cannot send messages to this user","code":50007}`)
		return
	}
	switch {
	case r.Method == http.MethodPost && path == "/users/@me/channels":
		fmt.Fprintf(w, `{"id":"dm-%v","type":1}`, c.Body["recipient_id"])
	case r.Method == http.MethodPost && strings.HasPrefix(path, "/channels/") && strings.HasSuffix(path, "/messages"):
		ch := strings.TrimSuffix(strings.TrimPrefix(path, "/channels/"), "/messages")
		json.NewEncoder(w).Encode(map[string]any{"id": "msg-" + strconv.Itoa(n), "channel_id": ch, "content": c.Body["content"]})
	case r.Method == http.MethodPatch && strings.HasPrefix(path, "/webhooks/"):
		json.NewEncoder(w).Encode(map[string]any{"id": "orig-" + strconv.Itoa(n), "content": c.Body["content"]})
	case r.Method == http.MethodPut && strings.HasSuffix(path, "/commands"):
		w.Write(raw)
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"Unknown route","code":0}`)
	}
}

func (f *fakeDiscord) recorded() []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiCall(nil), f.calls...)
}

// loopbackOnly sends requests for discord.com to the fake API and refuses
// every other host, so no test can reach the network.
type loopbackOnly struct {
	t    testing.TB
	fake *fakeDiscord
}

func (l loopbackOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != "discord.com" {
		l.t.Errorf("request to %s refused: tests talk only to the fake Discord API", r.URL.Host)
		return nil, fmt.Errorf("test transport: host %s refused", r.URL.Host)
	}
	r2 := r.Clone(r.Context())
	r2.URL.Scheme = "http"
	r2.URL.Host = strings.TrimPrefix(l.fake.srv.URL, "http://")
	r2.Host = r2.URL.Host
	return http.DefaultTransport.RoundTrip(r2)
}

// harness is one bot on a fresh SQLite store, talking to a fake Discord.
type harness struct {
	t       testing.TB
	bot     *Bot
	rt      *bot.Runtime
	store   *store.Store
	cat     *locales.Catalog
	discord *fakeDiscord
	session *discordgo.Session
	priv    ed25519.PrivateKey
	now     time.Time
	logs    *syncBuffer
	seq     int
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var testCatalog = sync.OnceValues(locales.Load)

func newHarness(t testing.TB, backend string) *harness {
	t.Helper()
	cat, err := testCatalog()
	if err != nil {
		t.Fatal(err)
	}
	st := storetest.Open(t, backend)
	// The commissions reports are routed to, as serve seeds them.
	if err := intake.SeedCommissions(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, store: st, cat: cat, now: time.Date(2026, 11, 21, 18, 0, 0, 0, time.UTC), logs: &syncBuffer{}}
	log := slog.New(slog.NewTextHandler(h.logs, nil))
	h.rt, err = newTestRuntime(st, cat, log, func() time.Time { return h.now })
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	h.priv = priv
	h.discord = newFakeDiscord(t)
	h.session, err = NewSession(testToken)
	if err != nil {
		t.Fatal(err)
	}
	h.session.Client.Transport = loopbackOnly{t: t, fake: h.discord}
	h.bot, err = New(Config{AppID: testAppID, PublicKey: hex.EncodeToString(pub), BotToken: testToken}, h.rt, h.session, log)
	if err != nil {
		t.Fatal(err)
	}
	h.bot.now = func() time.Time { return h.now }
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := h.bot.Wait(ctx); err != nil {
			t.Errorf("deferred work did not finish: %v", err)
		}
	})
	return h
}

// nextID returns a fresh snowflake-like interaction id.
func (h *harness) nextID() string {
	h.seq++
	return strconv.FormatInt(1300000000000000000+int64(h.seq), 10)
}

// sign returns a request for body signed as Discord signs it: Ed25519 over
// timestamp+body.
func (h *harness) sign(body []byte, ts time.Time, key ed25519.PrivateKey) *http.Request {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	sig := ed25519.Sign(key, append([]byte(stamp), body...))
	r := httptest.NewRequest(http.MethodPost, "/discord/interactions", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	r.Header.Set("X-Signature-Timestamp", stamp)
	return r
}

// do posts a signed interaction and returns the HTTP response.
func (h *harness) do(payload map[string]any) *httptest.ResponseRecorder {
	h.t.Helper()
	body, err := json.Marshal(payload)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.serve(h.sign(body, h.now, h.priv))
}

func (h *harness) serve(r *http.Request) *httptest.ResponseRecorder {
	mux := http.NewServeMux()
	h.bot.Register(mux)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	return w
}

// member describes who sends an interaction, and from where.
type member struct {
	id, locale, guild string
	perms             int64
}

func (m member) base(h *harness, typ discordgo.InteractionType) map[string]any {
	p := map[string]any{
		"id": h.nextID(), "application_id": testAppID, "type": int(typ),
		"token": "itoken-" + strconv.Itoa(h.seq), "version": 1, "locale": m.locale,
	}
	user := map[string]any{"id": m.id, "username": "member" + m.id}
	if m.guild != "" {
		p["guild_id"], p["channel_id"] = m.guild, "555"
		p["member"] = map[string]any{"user": user, "permissions": strconv.FormatInt(m.perms, 10)}
		p["guild_locale"] = "en-US"
	} else {
		p["channel_id"], p["user"] = "dm-"+m.id, user
	}
	return p
}

// command is a slash command interaction (type 2).
func (m member) command(h *harness, name string, opts ...map[string]any) map[string]any {
	p := m.base(h, discordgo.InteractionApplicationCommand)
	data := map[string]any{"id": "cmd-" + name, "name": name, "type": 1}
	if len(opts) > 0 {
		data["options"] = opts
	}
	p["data"] = data
	return p
}

// click is a button (type 3, component 2) or, with values, a select menu
// choice (component 3) on a message the bot sent.
func (m member) click(h *harness, customID string, values ...string) map[string]any {
	p := m.base(h, discordgo.InteractionMessageComponent)
	data := map[string]any{"custom_id": customID, "component_type": 2}
	if values != nil {
		data["component_type"], data["values"] = 3, values
	}
	p["data"] = data
	p["message"] = map[string]any{"id": "botmsg-1", "channel_id": p["channel_id"], "content": "", "flags": 64}
	return p
}

// submit is a modal submission (type 5) with the text typed in.
func (m member) submit(h *harness, customID, value string) map[string]any {
	p := m.base(h, discordgo.InteractionModalSubmit)
	p["data"] = map[string]any{"custom_id": customID, "components": []any{
		map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 4, "custom_id": inputID, "value": value},
		}},
	}}
	p["message"] = map[string]any{"id": "botmsg-1", "channel_id": p["channel_id"], "content": "", "flags": 64}
	return p
}

// response decodes an interaction response.
func response(t testing.TB, w *httptest.ResponseRecorder) discordgo.InteractionResponse {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("status %d, body %q", w.Code, w.Body.String())
	}
	var resp discordgo.InteractionResponse
	raw := struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}{}
	if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, w.Body.String())
	}
	resp.Type = discordgo.InteractionResponseType(raw.Type)
	if len(raw.Data) > 0 && string(raw.Data) != "null" {
		var d responseData
		if err := json.Unmarshal(raw.Data, &d); err != nil {
			t.Fatalf("response data: %v: %s", err, raw.Data)
		}
		resp.Data = d.toData()
	}
	return resp
}

// responseData decodes the components discordgo itself cannot unmarshal
// from a response (it only reads those of messages).
type responseData struct {
	Content    string                 `json:"content"`
	Flags      int                    `json:"flags"`
	CustomID   string                 `json:"custom_id"`
	Title      string                 `json:"title"`
	Components []discordgo.ActionsRow `json:"components"`
}

func (d responseData) toData() *discordgo.InteractionResponseData {
	out := &discordgo.InteractionResponseData{Content: d.Content, Flags: discordgo.MessageFlags(d.Flags), CustomID: d.CustomID, Title: d.Title}
	for _, r := range d.Components {
		out.Components = append(out.Components, r)
	}
	return out
}

// buttons lists the (custom id, label) of every button and select option.
type control struct{ ID, Label, Value string }

func controls(d *discordgo.InteractionResponseData) []control {
	var out []control
	for _, c := range d.Components {
		row, ok := c.(discordgo.ActionsRow)
		if !ok {
			if p, ok := c.(*discordgo.ActionsRow); ok {
				row = *p
			} else {
				continue
			}
		}
		for _, inner := range row.Components {
			switch x := inner.(type) {
			case *discordgo.Button:
				out = append(out, control{ID: x.CustomID, Label: x.Label})
			case *discordgo.SelectMenu:
				for _, o := range x.Options {
					out = append(out, control{ID: x.CustomID, Label: o.Label, Value: o.Value})
				}
			case *discordgo.TextInput:
				out = append(out, control{ID: x.CustomID, Label: x.Label})
			}
		}
	}
	return out
}
