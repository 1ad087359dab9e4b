// Package web is the browser chat simulator at /try: a page that looks like
// a phone's messaging app and talks to the same runtime as SMS, so anyone
// can try the service with no account. Each browser gets its own contact,
// kept in a cookie, and its conversation survives restarts like any other.
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
	// Secure marks the session cookie Secure (set when served over HTTPS).
	Secure bool
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
	mux.Handle("GET /try/static/", http.StripPrefix("/try/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /try/messages", h.history)
	mux.Handle("POST /try/messages", csrf.Handler(http.HandlerFunc(h.send)))
	mux.Handle("POST /try/reset", csrf.Handler(http.HandlerFunc(h.reset)))
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:")
	if err := page.Execute(w, nil); err != nil {
		h.log.Error("render /try", "err", err)
	}
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
	if locales.Chars(req.Text) > maxText {
		writeJSON(w, http.StatusRequestEntityTooLarge, sendResponse{Error: "messages are limited to " + strconv.Itoa(maxText) + " characters, like SMS"})
		return
	}
	addr := h.session(w, r)
	out, err := h.rt.Handle(r.Context(), bot.Inbound{Channel: Channel, Address: addr, Text: req.Text, Lang: browserLang(r)})
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
	h.newSession(w)
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) session(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(cookieName); err == nil && validSession(c.Value) {
		return "sim-" + c.Value
	}
	return "sim-" + h.newSession(w)
}

func (h *Handler) newSession(w http.ResponseWriter) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: id, Path: "/try", MaxAge: 90 * 24 * 3600,
		HttpOnly: true, Secure: h.Secure, SameSite: http.SameSiteLaxMode,
	})
	return id
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
func browserLang(r *http.Request) locales.Lang {
	tag, _, _ := strings.Cut(r.Header.Get("Accept-Language"), ",")
	tag, _, _ = strings.Cut(strings.TrimSpace(tag), ";")
	if l, ok := locales.ParseLang(tag); ok && l != locales.English {
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
