package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/bot/web"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// post sends a POST with no body and returns the response (body closed).
func (s *sim) post(path, contentType, body string, header map[string]string) *http.Response {
	s.t.Helper()
	req, _ := http.NewRequest("POST", s.srv.URL+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := *s.client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func (s *sim) count(table, where string, args ...any) int {
	s.t.Helper()
	var n int
	q := "SELECT count(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	if err := s.st.DB().QueryRow(q, args...).Scan(&n); err != nil {
		s.t.Fatal(err)
	}
	return n
}

func sessionCookie(t *testing.T, resp *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == "rightsline_try" {
			return c
		}
	}
	t.Fatalf("no session cookie in %v", resp.Header["Set-Cookie"])
	return nil
}

// The session cookie is short-lived, HttpOnly, SameSite=Strict, and
// Secure when the service is public over https.
func TestSimulatorCookieShortLivedAndSecure(t *testing.T) {
	for _, secure := range []bool{false, true} {
		s := newSimWith(t, func(h *web.Handler) { h.Secure = secure })
		resp := s.post("/try/messages", "application/json", `{"text":"hi"}`, nil)
		c := sessionCookie(t, resp)
		if c.MaxAge <= 0 || c.MaxAge > 3600 || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure != secure || c.Path != "/try" {
			t.Errorf("secure=%v: cookie %+v", secure, c)
		}
	}
}

// Leave now: the stored transcript is erased, the cookie ends, and a
// second visitor reading the page finds nothing; a browser without the
// script is sent to the neutral page.
func TestSimulatorQuickExitErasesTranscript(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) { quickExit(t, st) })
}

func quickExit(t *testing.T, st *store.Store) {
	s := newSimOn(t, st, func(h *web.Handler) { h.QuickExitURL = "https://neutral.example/" })
	s.send(`{"text":"hola"}`, nil)
	s.send(`{"text":"my landlord changed the locks"}`, nil)
	if len(s.history("")) < 4 {
		t.Fatal("no conversation to erase")
	}
	resp := s.post("/try/exit", "", "", nil)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("exit: %d", resp.StatusCode)
	}
	if c := sessionCookie(t, resp); c.MaxAge >= 0 {
		t.Errorf("exit left the cookie alive: %+v", c)
	}
	// Bodies are sealed at rest: count the simulator's messages, not words.
	if n := s.count("messages", "channel = 'web'"); n != 0 {
		t.Errorf("%d messages of the conversation are still stored", n)
	}
	if n := s.count("contacts", "channel = 'web'"); n != 0 {
		t.Errorf("%d simulator contacts left", n)
	}
	if h := s.history(""); len(h) != 0 {
		t.Errorf("the page still shows %+v", h)
	}
	// Without JavaScript the form posts and is redirected.
	s.send(`{"text":"hi"}`, nil)
	resp = s.post("/try/exit", "application/x-www-form-urlencoded", "", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "https://neutral.example/" {
		t.Errorf("form exit: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if n := s.count("messages", ""); n != 0 {
		t.Errorf("form exit left %d messages", n)
	}
}

// Abuse: a cross-site page cannot make a visitor's browser erase (or
// post), and a forged cookie erases nobody else's conversation.
func TestSimulatorQuickExitRefusesForgeries(t *testing.T) {
	s := newSim(t)
	s.send(`{"text":"hola"}`, nil)
	before := s.count("messages", "")
	if resp := s.post("/try/exit", "", "", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site exit: %d, want 403", resp.StatusCode)
	}
	for _, forged := range []string{"sim-1", strings.Repeat("z", 32), "' OR 1=1 --", strings.Repeat("0", 32)} {
		req, _ := http.NewRequest("POST", s.srv.URL+"/try/exit", nil)
		req.AddCookie(&http.Cookie{Name: "rightsline_try", Value: forged})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Errorf("forged cookie %q: %d", forged, resp.StatusCode)
		}
	}
	if after := s.count("messages", ""); after != before {
		t.Errorf("refused exits erased messages: %d -> %d", before, after)
	}
}

// Abuse: cookie-less bursts make at most LimitIPSessions contacts, a
// session's burst is cut at LimitSessionMessages, and everything over a
// limit is refused with 429 and Retry-After, storing nothing.
func TestSimulatorRateLimits(t *testing.T) {
	storetest.Each(t, rateLimits)
}

func rateLimits(t *testing.T, st *store.Store) {
	s := newSimOn(t, st, nil)
	refused := 0
	for range web.LimitIPSessions.Max + 10 {
		req, _ := http.NewRequest("POST", s.srv.URL+"/try/messages", strings.NewReader(`{"text":"hi"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req) // no cookie jar: a new session each time
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			refused++
			if resp.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
	}
	if refused != 10 {
		t.Errorf("%d cookie-less posts refused, want 10", refused)
	}
	if n := s.count("contacts", "channel = 'web'"); n != web.LimitIPSessions.Max {
		t.Errorf("%d contacts made, want at most %d", n, web.LimitIPSessions.Max)
	}

	s2 := newSimOn(t, st, func(h *web.Handler) { h.ClientIP = func(*http.Request) string { return "203.0.113.9" } })
	ok, limited := 0, 0
	before := s2.count("messages", "direction = 'in'")
	for range web.LimitSessionMessages.Max + 5 {
		code, r := s2.send(`{"text":"menu"}`, nil)
		switch code {
		case 200:
			ok++
		case http.StatusTooManyRequests:
			limited++
			if r.Error == "" {
				t.Fatal("429 without a message")
			}
		default:
			t.Fatalf("status %d", code)
		}
	}
	if ok != web.LimitSessionMessages.Max || limited != 5 {
		t.Errorf("session burst: %d answered, %d refused", ok, limited)
	}
	if n := s2.count("messages", "direction = 'in'") - before; n != web.LimitSessionMessages.Max {
		t.Errorf("%d inbound stored; refused messages must store nothing", n)
	}
}

// The per-IP limit counts in the store, so a second instance on the same
// database sees the first one's count.
func TestSimulatorIPLimitSharedByInstances(t *testing.T) {
	a := newSim(t)
	b := newSimOn(t, a.st, nil)
	for i := range web.LimitIPSessions.Max {
		s := a
		if i%2 == 1 {
			s = b
		}
		if resp := s.post("/try/reset", "", "", nil); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("reset %d: %d", i, resp.StatusCode)
		}
	}
	if resp := b.post("/try/reset", "", "", nil); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("past the shared limit: %d", resp.StatusCode)
	}
}

// Static files are served, directories are not listed; the page may not
// be framed.
func TestSimulatorStaticAndHeaders(t *testing.T) {
	s := newSim(t)
	for path, want := range map[string]int{"/try/static/": 404, "/try/static/try.js": 200, "/try/static/../web.go": 404, "/try/static/assets/": 404} {
		resp, err := s.client.Get(s.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	resp, err := s.client.Get(s.srv.URL + "/try")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
}
