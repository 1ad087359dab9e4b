package discord

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/store/storetest"
)

func TestPingIsPonged(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	w := h.do(map[string]any{"id": h.nextID(), "application_id": testAppID, "type": 1, "token": "t", "version": 1})
	if got := response(t, w); got.Type != discordgo.InteractionResponsePong {
		t.Fatalf("PING answered with type %d, want 1 (PONG)", got.Type)
	}
}

func TestRefusesForgedStaleAndMalformed(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	alice := member{id: "700000000000000001", locale: "en-US"}
	body, _ := json.Marshal(alice.command(h, cmdRights))
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)

	cases := []struct {
		name string
		req  func() *http.Request
		want int
	}{
		{"signed by another key", func() *http.Request { return h.sign(body, h.now, otherKey) }, http.StatusUnauthorized},
		{"body changed after signing", func() *http.Request {
			r := h.sign(body, h.now, h.priv)
			tampered := strings.Replace(string(body), cmdRights, cmdReport, 1)
			return withBody(r, tampered)
		}, http.StatusUnauthorized},
		{"no signature", func() *http.Request {
			r := h.sign(body, h.now, h.priv)
			r.Header.Del("X-Signature-Ed25519")
			return r
		}, http.StatusUnauthorized},
		{"signature not hex", func() *http.Request {
			r := h.sign(body, h.now, h.priv)
			r.Header.Set("X-Signature-Ed25519", "zz"+r.Header.Get("X-Signature-Ed25519")[2:])
			return r
		}, http.StatusUnauthorized},
		{"replayed after 6 minutes", func() *http.Request { return h.sign(body, h.now.Add(-6*time.Minute), h.priv) }, http.StatusUnauthorized},
		{"timestamp from the future", func() *http.Request { return h.sign(body, h.now.Add(6*time.Minute), h.priv) }, http.StatusUnauthorized},
		{"too large", func() *http.Request {
			big := []byte(`{"type":1,"id":"1","pad":"` + strings.Repeat("a", maxBody) + `"}`)
			return h.sign(big, h.now, h.priv)
		}, http.StatusRequestEntityTooLarge},
		{"signed but not JSON", func() *http.Request { return h.sign([]byte("\x00\x01binary"), h.now, h.priv) }, http.StatusBadRequest},
		{"signed but no user", func() *http.Request {
			return h.sign([]byte(`{"id":"9","type":2,"token":"t","data":{"name":"rights"}}`), h.now, h.priv)
		}, http.StatusBadRequest},
		{"signed autocomplete (unsupported)", func() *http.Request {
			return h.sign([]byte(`{"id":"9","type":4,"token":"t","user":{"id":"1"},"data":{"name":"status"}}`), h.now, h.priv)
		}, http.StatusBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := h.serve(tc.req())
			if w.Code != tc.want {
				t.Errorf("status %d, want %d (body %q)", w.Code, tc.want, w.Body.String())
			}
		})
	}
	// Nothing refused reached the conversation.
	if n := countRows(t, h, "messages"); n != 0 {
		t.Errorf("%d messages stored from refused interactions, want 0", n)
	}
	// Within the window, the same signed request is accepted.
	w := h.serve(h.sign(body, h.now.Add(-4*time.Minute), h.priv))
	if w.Code != http.StatusOK {
		t.Errorf("4-minute-old interaction: status %d, want 200", w.Code)
	}
	// GET is not routed.
	r := h.sign(body, h.now, h.priv)
	r.Method = http.MethodGet
	if w := h.serve(r); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", w.Code)
	}
}

func withBody(r *http.Request, body string) *http.Request {
	r2 := r.Clone(r.Context())
	r2.Body = http.NoBody
	r2.Body = readCloser(body)
	r2.ContentLength = int64(len(body))
	return r2
}

func countRows(t *testing.T, h *harness, table string) int {
	t.Helper()
	var n int
	if err := h.store.DB().QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
