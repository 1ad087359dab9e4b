// Package sms is the Twilio SMS channel: the signed inbound webhook that
// answers with TwiML, the signed delivery-status callback, channel-level
// opt-out and HELP keywords, a per-sender rate limit, and the Sender that
// delivers outbox messages through Twilio's REST API.
//
// Every webhook is checked in a fixed order: body size (over 64 KiB: 413),
// the X-Twilio-Signature over PUBLIC_BASE_URL plus the path (forged or
// missing: 403, nothing processed), the typed form (malformed: 400), and
// only then its meaning. Inbound messages go through bot.Runtime, which
// commits the message and the replies before the handler writes a byte, and
// answers a retried MessageSid with the replies stored the first time.
package sms

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/spool"
	"github.com/rightsline/rightsline/bot/twilio"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Channel is the channel name stored on SMS contacts and messages.
const Channel = "sms"

// Paths of the webhooks, relative to PUBLIC_BASE_URL. Configure Twilio
// with exactly PUBLIC_BASE_URL + these.
const (
	InboundPath = "/twilio/sms"
	StatusPath  = "/twilio/status"
)

// MaxBody is the largest webhook body accepted (twilio.MaxBody).
const MaxBody = twilio.MaxBody

// Handler serves the Twilio webhooks. It is safe for concurrent use.
type Handler struct {
	cfg    Config
	rt     *bot.Runtime
	st     *store.Store
	cat    *locales.Catalog
	log    *slog.Logger
	hooks  *twilio.Hooks
	status *twilio.StatusHandler
	now    func() time.Time

	// Spool, if set, keeps the inbound messages the database cannot take
	// (see spool.go); without it such a webhook is answered 500.
	Spool *spool.Spool
	// OnSpool, if set, is told of each message spooled ("spooled"),
	// replayed ("replayed") or that could not be spooled ("failed"):
	// a metric.
	OnSpool func(stage string)
}

// New returns the handler for cfg. cfg must be complete (see
// [Config.Check]); the service mounts nothing when it is not, so the
// routes answer 404. New registers the SMS channel (its counter and its
// channel words, keywords.go) with rt; call it before rt handles messages.
func New(cfg Config, rt *bot.Runtime, cat *locales.Catalog, log *slog.Logger) (*Handler, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if rt == nil || rt.Store == nil || cat == nil {
		return nil, errors.New("sms: New needs a runtime with a store, and a catalog")
	}
	if log == nil {
		log = slog.Default()
	}
	h := &Handler{
		cfg:   cfg,
		rt:    rt,
		st:    rt.Store,
		cat:   cat,
		log:   log.With("channel", Channel),
		hooks: twilio.NewHooks(cfg.AuthToken, cfg.PublicBaseURL),
		now:   time.Now,
	}
	h.status = &twilio.StatusHandler{Channel: Channel, AccountSID: cfg.AccountSID, Hooks: h.hooks, Store: h.st, Log: h.log}
	rt.Register(h.channel())
	return h, nil
}

// Register mounts the inbound and status webhooks on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+InboundPath, h.serveInbound)
	mux.Handle("POST "+StatusPath, h.status)
}

// verified checks a webhook's size and signature (twilio.Hooks.Verified).
func (h *Handler) verified(w http.ResponseWriter, r *http.Request) (url.Values, int) {
	return h.hooks.Verified(w, r)
}

// writeTwiML answers the webhook with the replies, split at Twilio's 1600
// characters, their statuses reported to the status callback.
func (h *Handler) writeTwiML(w http.ResponseWriter, replies []string) {
	twilio.WriteTwiML(w, h.hooks.URL(StatusPath), replies, parts)
}

// Sign is twilio.Sign: the X-Twilio-Signature Twilio would send, for
// clients that stand in for Twilio (the load tool, tests).
var Sign = twilio.Sign
