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
	st := storetest.Open(t, "sqlite")
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	rt, err := bot.New(st, cat, bot.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	web.New(rt, st, cat, slog.New(slog.NewTextHandler(io.Discard, nil))).Register(mux)
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
