// Package twiliotest is Twilio's Messages API on loopback, for the tests
// of the channels that send through Twilio (bot/sms, bot/whatsapp): it
// records every message it accepts (the posted form as is: Body, or
// ContentSid and ContentVariables) and answers the addresses it was told
// to refuse with a Twilio error.
package twiliotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"
)

// API is the fake. Create it with New.
type API struct {
	srv            *httptest.Server
	account, token string
	mu             sync.Mutex
	sent           []url.Values
	errs           map[string][2]int // To → HTTP status, Twilio code
}

// New starts the fake for the account, which authenticates with token,
// and stops it when t ends.
func New(t testing.TB, account, token string) *API {
	a := &API{account: account, token: token, errs: map[string][2]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{account}/Messages.json", a.create)
	mux.HandleFunc("GET /2010-04-01/Accounts/{account}/Messages.json", a.list)
	a.srv = httptest.NewServer(mux)
	t.Cleanup(a.srv.Close)
	return a
}

// Fail makes the fake refuse messages to `to` with the HTTP status and
// Twilio error code.
func (a *API) Fail(to string, status, code int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.errs[to] = [2]int{status, code}
}

func (a *API) authorized(w http.ResponseWriter, r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok || user != a.account || pass != a.token || r.PathValue("account") != a.account {
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]any{"code": 20003, "message": "Authenticate", "status": 401})
		return false
	}
	return true
}

func (a *API) create(w http.ResponseWriter, r *http.Request) {
	if !a.authorized(w, r) {
		return
	}
	if err := r.ParseForm(); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	a.mu.Lock()
	e, refused := a.errs[r.PostForm.Get("To")]
	a.mu.Unlock()
	if refused {
		w.WriteHeader(e[0])
		// Twilio's message quotes the number: it must not reach our errors.
		json.NewEncoder(w).Encode(map[string]any{"code": e[1], "message": "The 'To' number " + r.PostForm.Get("To") + " is not valid", "status": e[0]})
		return
	}
	a.mu.Lock()
	a.sent = append(a.sent, r.PostForm)
	n := len(a.sent)
	a.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{"sid": Sid(n), "status": "queued", "account_sid": a.account})
}

// list is the list, as Lookup reads it: filtered by To and From, newest
// first. A template message's body is the ContentSid (Twilio would list
// the rendered template).
func (a *API) list(w http.ResponseWriter, r *http.Request) {
	if !a.authorized(w, r) {
		return
	}
	q := r.URL.Query()
	var out []map[string]any
	a.mu.Lock()
	for i := len(a.sent) - 1; i >= 0; i-- {
		m := a.sent[i]
		if q.Get("To") != "" && m.Get("To") != q.Get("To") || q.Get("From") != "" && m.Get("From") != q.Get("From") {
			continue
		}
		body := m.Get("Body")
		if body == "" {
			body = m.Get("ContentSid")
		}
		out = append(out, map[string]any{"sid": Sid(i + 1), "to": m.Get("To"), "from": m.Get("From"),
			"body": body, "direction": "outbound-api", "status": "sent"})
	}
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"messages": out, "page": 0, "page_size": 100, "next_page_uri": nil})
}

// Sid is the MessageSid the fake gives its n-th message (from 1).
func Sid(n int) string { return fmt.Sprintf("SM%032d", n) }

// Client reaches the fake through twilio-go, whose base URL is fixed at
// https://api.twilio.com: its transport sends that host to the fake and
// refuses every other.
func (a *API) Client() *http.Client {
	target, _ := url.Parse(a.srv.URL)
	base := a.srv.Client().Transport
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Host != "api.twilio.com" {
			return nil, fmt.Errorf("twiliotest: refusing a request to %s", r.URL.Host)
		}
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host = target.Scheme, target.Host
		return base.RoundTrip(r)
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Messages are the forms of the messages accepted so far, oldest first.
func (a *API) Messages() []url.Values {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]url.Values(nil), a.sent...)
}

// refuseTransport fails every request: nothing in a channel's tests may
// leave the host. The fake Twilio is reached through its own client.
type refuseTransport struct{}

func (refuseTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("test: refusing a request to %s: tests never leave the host", r.URL.Host)
}

// RunOffline is a channel test package's TestMain: it runs the tests with
// http.DefaultTransport refusing every request, so a client that is not
// pointed at a fake fails instead of reaching the network.
func RunOffline(m *testing.M) {
	http.DefaultTransport = refuseTransport{}
	os.Exit(m.Run())
}
