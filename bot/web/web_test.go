package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/web"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

type sim struct {
	t      *testing.T
	srv    *httptest.Server
	client *http.Client
	st     *store.Store
}

func newSim(t *testing.T) *sim {
	t.Helper()
	return newSimWith(t, nil)
}

// newSimWith is newSim with the handler adjusted by mod before it is
// mounted.
func newSimWith(t *testing.T, mod func(*web.Handler)) *sim {
	t.Helper()
	return newSimOn(t, storetest.Open(t, "sqlite"), mod)
}

// newSimOn is a simulator on the store st (another instance of the same
// service when st is shared).
func newSimOn(t *testing.T, st *store.Store, mod func(*web.Handler)) *sim {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	rt, err := bot.New(st, cat, bot.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Extensions: []bot.Extension{intake.Extension(st, intake.Config{Catalog: cat})}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h := web.New(rt, st, cat, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if mod != nil {
		mod(h)
	}
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &sim{t: t, srv: srv, client: &http.Client{Jar: jar}, st: st}
}

type reply struct {
	Replies []struct{ Text string } `json:"replies"`
	Choices []struct{ Key, Label string }
	Lang    string `json:"lang"`
	Error   string `json:"error"`
}

func (s *sim) send(body string, header map[string]string) (int, reply) {
	s.t.Helper()
	req, _ := http.NewRequest("POST", s.srv.URL+"/try/messages", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r reply
	_ = json.NewDecoder(resp.Body).Decode(&r)
	return resp.StatusCode, r
}

type msg struct {
	ID   int64
	Dir  string
	Text string
}

func (s *sim) history(query string) []msg {
	s.t.Helper()
	resp, err := s.client.Get(s.srv.URL + "/try/messages" + query)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var ms []msg
	if err := json.NewDecoder(resp.Body).Decode(&ms); err != nil {
		s.t.Fatal(err)
	}
	return ms
}

func TestSimulatorConversation(t *testing.T) {
	s := newSim(t)
	code, r := s.send(`{"text":"hola"}`, nil)
	if code != 200 || r.Lang != "es" || len(r.Replies) == 0 || len(r.Choices) == 0 {
		t.Fatalf("hola: %d %+v", code, r)
	}
	code, r = s.send(`{"text":"1"}`, nil)
	if code != 200 || !strings.Contains(r.Replies[0].Text, "1") {
		t.Fatalf("1: %d %+v", code, r)
	}
	// The page reloads the whole stored conversation.
	h := s.history("")
	if len(h) < 4 || h[0].Dir != "in" || h[0].Text != "hola" {
		t.Fatalf("history = %+v", h)
	}
	if newer := s.history("?after=" + itoa(h[len(h)-1].ID)); len(newer) != 0 {
		t.Fatalf("after the last id: %+v", newer)
	}
}

func TestSimulatorBrowserLanguage(t *testing.T) {
	s := newSim(t)
	_, r := s.send(`{"text":"?"}`, map[string]string{"Accept-Language": "ko-KR,ko;q=0.9"})
	if r.Lang != "ko" {
		t.Fatalf("lang = %q, want ko from the browser", r.Lang)
	}
}

func TestSimulatorRefusesBadRequests(t *testing.T) {
	s := newSim(t)
	if code, _ := s.send(`{"text":`, nil); code != 400 {
		t.Fatalf("broken JSON: %d", code)
	}
	if code, r := s.send(`{"text":"`+strings.Repeat("a", 1601)+`"}`, nil); code != 413 || r.Error == "" {
		t.Fatalf("1601 characters: %d %+v", code, r)
	}
	if code, _ := s.send(`{"text":"`+strings.Repeat("a", 20000)+`"}`, nil); code != 413 {
		t.Fatalf("oversized body: %d", code)
	}
	if code, _ := s.send(`{"text":"hi"}`, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); code != 403 {
		t.Fatalf("cross-site post: %d, want 403", code)
	}
	if h := s.history(""); len(h) != 0 {
		t.Fatalf("refused requests were stored: %+v", h)
	}
	resp, err := s.client.Get(s.srv.URL + "/try/messages?after=-3")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("after=-3: %d", resp.StatusCode)
	}
}

func TestSimulatorReset(t *testing.T) {
	s := newSim(t)
	s.send(`{"text":"hola"}`, nil)
	resp, err := s.client.Post(s.srv.URL+"/try/reset", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if h := s.history(""); len(h) != 0 {
		t.Fatalf("after reset the page shows %d old messages", len(h))
	}
	_, r := s.send(`{"text":"?"}`, nil)
	if r.Lang != "en" {
		t.Fatalf("a new conversation should ask for the language again, got %q", r.Lang)
	}
}

// A staff update queued for a simulator user is delivered into their
// conversation, where the page's polling finds it.
func TestSenderAddsToConversation(t *testing.T) {
	s := newSim(t)
	s.send(`{"text":"hola"}`, nil)
	h := s.history("")
	last := h[len(h)-1].ID
	c, err := s.st.ContactByID(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	id, err := web.Sender(s.st).Send(context.Background(), store.Outbound{Channel: web.Channel, ContactID: c.ID, Body: "Su reporte esta en revision."})
	if err != nil || id == "" {
		t.Fatalf("send: %q %v", id, err)
	}
	newer := s.history("?after=" + itoa(last))
	if len(newer) != 1 || newer[0].Text != "Su reporte esta en revision." || newer[0].Dir != "out" {
		t.Fatalf("update not in the conversation: %+v", newer)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestSimulatorOddInput: odd text is answered, not an error, and stored
// cleaned, on both backends (Postgres refuses NUL in text: the runtime
// drops it before anything is stored).
func TestSimulatorOddInput(t *testing.T) {
	cases := []struct {
		name, json, stored string
		status             int
	}{
		{"NUL", `{"text":"hel\u0000lo"}`, "hello", 200},
		{"control characters", `{"text":"a\u001b[31mb\u0007\r\nc"}`, "a[31mb\nc", 200},
		{"lone surrogate", `{"text":"caf\ud800e"}`, "caf\uFFFDe", 200},
		{"invalid UTF-8", "{\"text\":\"caf\xe9\"}", "caf\uFFFD", 200},
		{"emoji", `{"text":"🏠🔑😢 help 👍🏽"}`, "🏠🔑😢 help 👍🏽", 200},
		{"right to left", `{"text":"\u202bمرحبا، أحتاج مساعدة\u202c"}`, "\u202bمرحبا، أحتاج مساعدة\u202c", 200},
		{"1600 characters", `{"text":"` + strings.Repeat("x", 1600) + `"}`, strings.Repeat("x", 1600), 200},
		{"2000 characters", `{"text":"` + strings.Repeat("y", 2000) + `"}`, "", http.StatusRequestEntityTooLarge},
		{"SQL", `{"text":"'); DROP TABLE contacts; --"}`, "'); DROP TABLE contacts; --", 200},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, tc := range cases {
			s := newSimOn(t, st, nil)
			status, r := s.send(tc.json, nil)
			if status != tc.status {
				t.Fatalf("%s: status %d (%s)", tc.name, status, r.Error)
			}
			if status != 200 {
				if r.Error == "" {
					t.Errorf("%s: refused without a reason", tc.name)
				}
				continue
			}
			if len(r.Replies) == 0 || r.Replies[0].Text == "" {
				t.Fatalf("%s: no reply", tc.name)
			}
			h := s.history("")
			if len(h) == 0 || h[0].Dir != "in" || h[0].Text != tc.stored {
				t.Fatalf("%s: stored %+v, want %q first", tc.name, h, tc.stored)
			}
		}
	})
}
