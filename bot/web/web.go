// Package web is the browser chat simulator at /try: a page that looks like
// a phone's messaging app and talks to the same runtime as SMS, so anyone
// can try the service with no account. Each browser gets its own contact,
// kept in a short-lived cookie, and its conversation survives restarts like
// any other.
//
// Safety on shared computers: a "Leave now" button and pressing Escape twice
// clear the page, erase the stored transcript (POST /try/exit) and replace
// the page with a neutral one (QuickExitURL), so Back does not return.
//
// Abuse limits, counted in the store so every instance shares them: POSTs
// per IP address, new sessions per IP address and messages per session.
package web

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Channel is the name simulator contacts are stored under.
const Channel = "web"

const (
	cookieName = "rightsline_try"
	// maxBody bounds a posted message; an SMS is at most 1600 characters.
	maxBody = 16 << 10
	// maxText is the longest message accepted, in characters.
	maxText = 1600
	// historyLimit is how many earlier messages the page reloads.
	historyLimit = 200
	// cookieLifetime is how long an idle simulator session lasts: long
	// enough for a conversation, short enough that a shared computer does
	// not keep it for the next person. Every message renews it.
	cookieLifetime = time.Hour
	// DefaultQuickExitURL is where "Leave now" goes unless configured: a
	// page that looks like any other.
	DefaultQuickExitURL = "https://www.google.com/"
)

// Abuse limits on the simulator, per IP address and per session.
var (
	// LimitIPPosts bounds every POST from one address.
	LimitIPPosts = store.Limit{Name: "try-ip", Max: 60, Window: time.Minute}
	// LimitIPSessions bounds the new sessions (new contacts) one address
	// starts: the 3,000 cookie-less POSTs made 3,000 contacts.
	LimitIPSessions = store.Limit{Name: "try-ip-sessions", Max: 20, Window: time.Hour}
	// LimitSessionMessages bounds the messages of one session, as
	// SMS_RATE_LIMIT_PER_MINUTE does for a phone.
	LimitSessionMessages = store.Limit{Name: "try-session", Max: 20, Window: time.Minute}
)

//go:embed assets
var assets embed.FS

var page = template.Must(template.ParseFS(assets, "assets/try.html"))

// Handler serves the simulator.
type Handler struct {
	rt    *bot.Runtime
	store *store.Store
	cat   *locales.Catalog
	log   *slog.Logger
	// Secure marks the session cookie Secure (set when served over
	// HTTPS); a request that arrived over TLS gets a Secure cookie anyway.
	Secure bool
	// QuickExitURL is the neutral page "Leave now" replaces /try with;
	// empty means DefaultQuickExitURL.
	QuickExitURL string
	// ClientIP names the address a request comes from, for the per-IP
	// limits; nil means the connection's peer.
	ClientIP func(*http.Request) string
}

// New returns the simulator's handler.
func New(rt *bot.Runtime, st *store.Store, cat *locales.Catalog, log *slog.Logger) *Handler {
	return &Handler{rt: rt, store: st, cat: cat, log: log}
}

// Register adds the simulator's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	static, _ := fs.Sub(assets, "assets")
	csrf := http.NewCrossOriginProtection()
	mux.HandleFunc("GET /try", h.page)
	mux.Handle("GET /try/static/", noListing(http.StripPrefix("/try/static/", http.FileServerFS(static))))
	mux.HandleFunc("GET /try/messages", h.history)
	mux.Handle("POST /try/messages", csrf.Handler(h.limited(h.send)))
	mux.Handle("POST /try/reset", csrf.Handler(h.limited(h.reset)))
	mux.Handle("POST /try/exit", csrf.Handler(h.limited(h.exit)))
}

// noListing answers 404 for a directory, so /try/static/ lists nothing.
func noListing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if err := page.Execute(w, struct{ QuickExitURL string }{h.quickExitURL()}); err != nil {
		h.log.Error("render /try", "err", err)
	}
}

func (h *Handler) quickExitURL() string {
	if h.QuickExitURL != "" {
		return h.QuickExitURL
	}
	return DefaultQuickExitURL
}

// limited counts a POST against the per-IP limit before next runs; over
// it, the answer is 429 with Retry-After and nothing is stored.
func (h *Handler) limited(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.allow(w, r, LimitIPPosts, h.clientIP(r)) {
			return
		}
		next(w, r)
	})
}

// allow counts one hit of subject under lim and, when it is over, answers
// 429 and returns false. A store failure is a 500: the limits are part of
// serving, not an optional extra.
func (h *Handler) allow(w http.ResponseWriter, r *http.Request, lim store.Limit, subject string) bool {
	v, err := h.store.Allow(r.Context(), lim, subject)
	if err != nil {
		h.log.Error("simulator rate limit failed", "limit", lim.Name, "err", err)
		writeJSON(w, http.StatusInternalServerError, sendResponse{Error: "something went wrong; please try again"})
		return false
	}
	if v.Allowed {
		return true
	}
	if v.FirstRefusal {
		h.log.Warn("simulator rate limit reached", "limit", lim.Name)
	}
	secs := int(v.RetryAfter.Seconds()) + 1
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeJSON(w, http.StatusTooManyRequests, sendResponse{Error: "Too many messages. Please wait " + strconv.Itoa(secs) + " seconds and try again."})
	return false
}

func (h *Handler) clientIP(r *http.Request) string {
	if h.ClientIP != nil {
		return h.ClientIP(r)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// message is one bubble as the page's script receives it.
type message struct {
	ID   int64  `json:"id"`
	Dir  string `json:"dir"` // "in" (from the person) or "out" (from the bot)
	Text string `json:"text"`
	At   string `json:"at"`
}

type choice struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

type sendResponse struct {
	Replies []message `json:"replies"`
	Choices []choice  `json:"choices,omitempty"`
	Lang    string    `json:"lang"`
	Error   string    `json:"error,omitempty"`
}

func (h *Handler) send(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	var req struct {
		Text string `json:"text"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeJSON(w, http.StatusRequestEntityTooLarge, sendResponse{Error: "message too large"})
			return
		}
		writeJSON(w, http.StatusBadRequest, sendResponse{Error: "send JSON: {\"text\": \"...\"}"})
		return
	}
	if locales.Runes(req.Text) > maxText {
		writeJSON(w, http.StatusRequestEntityTooLarge, sendResponse{Error: "messages are limited to " + strconv.Itoa(maxText) + " characters, like SMS"})
		return
	}
	addr, ok := h.session(w, r)
	if !ok || !h.allow(w, r, LimitSessionMessages, addr) {
		return
	}
	out, err := h.rt.Handle(r.Context(), bot.Inbound{Channel: Channel, Address: addr, Text: req.Text, Lang: browserLang(h.cat, r)})
	if err != nil {
		h.log.Error("simulator message failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, sendResponse{Error: "something went wrong; please try again"})
		return
	}
	resp := sendResponse{Lang: string(out.Lang)}
	now := time.Now().UTC().Format(time.RFC3339)
	for _, rep := range out.Replies {
		resp.Replies = append(resp.Replies, message{Dir: "out", Text: rep.Text, At: now})
	}
	for _, c := range out.Prompt.Choices {
		resp.Choices = append(resp.Choices, choice{Key: c.Key, Label: c.Label})
	}
	writeJSON(w, http.StatusOK, resp)
}

// history returns the session's stored conversation, so a reload or a
// server restart shows where the person was. ?after=ID returns only newer
// messages (staff updates arrive this way).
func (h *Handler) history(w http.ResponseWriter, r *http.Request) {
	var after int64
	if s := r.URL.Query().Get("after"); s != "" {
		var err error
		if after, err = strconv.ParseInt(s, 10, 64); err != nil || after < 0 {
			http.Error(w, "after must be a message id", http.StatusBadRequest)
			return
		}
	}
	c, err := r.Cookie(cookieName)
	if err != nil || !validSession(c.Value) {
		writeJSON(w, http.StatusOK, []message{})
		return
	}
	msgs, err := h.transcript(r.Context(), "sim-"+c.Value, after)
	if err != nil {
		h.log.Error("simulator history failed", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, msgs)
}

func (h *Handler) transcript(ctx context.Context, addr string, after int64) ([]message, error) {
	contact, err := h.store.ContactByAddress(ctx, Channel, addr)
	if errors.Is(err, store.ErrNotFound) {
		return []message{}, nil
	}
	if err != nil {
		return nil, err
	}
	ms, err := h.store.Transcript(ctx, contact.ID, historyLimit)
	if err != nil {
		return nil, err
	}
	out := []message{}
	for _, m := range ms {
		if m.ID <= after {
			continue
		}
		out = append(out, message{ID: m.ID, Dir: m.Direction, Text: m.Body, At: m.CreatedAt.UTC().Format(time.RFC3339)})
	}
	return out, nil
}

// reset starts a new conversation as a new contact; the old one stays
// stored.
func (h *Handler) reset(w http.ResponseWriter, r *http.Request) {
	if !h.allow(w, r, LimitIPSessions, h.clientIP(r)) {
		return
	}
	h.newSession(w, r)
	w.WriteHeader(http.StatusNoContent)
}

// exit is the quick exit: it erases the session's stored transcript and
// ends the cookie. The page's script has already cleared the screen and
// is leaving for the neutral page; a browser without the script posts the
// form and is sent there (303).
func (h *Handler) exit(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(cookieName); err == nil && validSession(c.Value) {
		if err := h.store.ClearTranscript(r.Context(), Channel, "sim-"+c.Value); err != nil {
			h.log.Error("simulator quick exit: erasing the transcript failed", "err", err)
			writeJSON(w, http.StatusInternalServerError, sendResponse{Error: "something went wrong; please try again"})
			return
		}
		h.log.Info("simulator quick exit: transcript erased")
	}
	http.SetCookie(w, h.cookie(r, "", -1))
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	if r.Header.Get("Sec-Fetch-Mode") == "navigate" || strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		http.Redirect(w, r, h.quickExitURL(), http.StatusSeeOther)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// session returns the request's simulator address, renewing the cookie,
// or starts a new session (within the per-IP limit on new sessions; ok is
// false when the answer has been written).
func (h *Handler) session(w http.ResponseWriter, r *http.Request) (addr string, ok bool) {
	if c, err := r.Cookie(cookieName); err == nil && validSession(c.Value) {
		http.SetCookie(w, h.cookie(r, c.Value, int(cookieLifetime/time.Second)))
		return "sim-" + c.Value, true
	}
	if !h.allow(w, r, LimitIPSessions, h.clientIP(r)) {
		return "", false
	}
	return "sim-" + h.newSession(w, r), true
}

func (h *Handler) newSession(w http.ResponseWriter, r *http.Request) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	http.SetCookie(w, h.cookie(r, id, int(cookieLifetime/time.Second)))
	return id
}

// cookie is the session cookie: HttpOnly, SameSite=Strict, scoped to
// /try, Secure under https, gone after cookieLifetime idle.
func (h *Handler) cookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: cookieName, Value: value, Path: "/try", MaxAge: maxAge,
		HttpOnly: true, Secure: h.Secure || r.TLS != nil, SameSite: http.SameSiteStrictMode,
	}
}

func validSession(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// browserLang picks the browser's first language when it is a supported
// language other than English, so the first message is answered in it.
// English browsers are common among people who read another language
// better, so for them the first message's own language decides.
func browserLang(cat *locales.Catalog, r *http.Request) locales.Lang {
	tag, _, _ := strings.Cut(r.Header.Get("Accept-Language"), ",")
	tag, _, _ = strings.Cut(strings.TrimSpace(tag), ";")
	if l, ok := cat.ParseLang(tag); ok && l != locales.English {
		return l
	}
	return ""
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
