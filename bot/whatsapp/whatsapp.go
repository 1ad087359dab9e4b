// Package whatsapp is the WhatsApp channel through Twilio: the signed
// inbound webhook that answers with TwiML, the signed delivery-status
// callback, the same opt-out and HELP keywords as SMS, a per-sender rate
// limit, and the Sender that delivers outbox messages through Twilio's
// REST API: as free text inside WhatsApp's 24-hour customer-service
// window, and as an approved template (ContentSid and ContentVariables,
// configured as data: templates.go) outside it.
//
// Twilio posts WhatsApp messages in the same form, signed the same way,
// as SMS, with addresses written "whatsapp:+15551234567"; the protocol
// code is shared with bot/sms through bot/twilio. Contacts are stored
// under the channel "whatsapp" with the bare E.164 number. ProfileName
// (the name the person set in WhatsApp) is never read or stored.
//
// Every webhook is checked in a fixed order: body size (over 64 KiB: 413),
// the X-Twilio-Signature over PUBLIC_BASE_URL plus the path (forged or
// missing: 403, nothing processed), the typed form (malformed: 400), and
// only then its meaning.
package whatsapp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/spool"
	"github.com/rightsline/rightsline/bot/twilio"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Channel is the channel name stored on WhatsApp contacts and messages.
const Channel = "whatsapp"

// Paths of the webhooks, relative to PUBLIC_BASE_URL. Configure the
// WhatsApp sender in Twilio with exactly PUBLIC_BASE_URL + these.
const (
	InboundPath = "/twilio/whatsapp"
	StatusPath  = "/twilio/whatsapp/status"
)

// Prefix is how Twilio writes a WhatsApp address: "whatsapp:+1…".
const Prefix = "whatsapp:"

// MaxText caps an inbound message: WhatsApp's own limit for a text
// message is 4096 characters.
const MaxText = 4096

// MaxMessage is the longest body sent as one message: Twilio's Messages
// API takes a Body of at most 1,600 characters on every channel
// (twilio.MaxMessage), WhatsApp's 4096 notwithstanding, so longer replies go
// as several messages.
const MaxMessage = twilio.MaxMessage

// parts is text as Twilio sends it (twilio.Parts).
func parts(text string) []string { return twilio.Parts(text) }

// Address is the contact address of a Twilio WhatsApp address: the E.164
// number without "whatsapp:".
func Address(twilioAddress string) string {
	return strings.TrimPrefix(strings.TrimSpace(twilioAddress), Prefix)
}

// senderLimit names the per-sender limit in the store.
const senderLimit = "whatsapp-sender"

// Handler serves the WhatsApp webhooks. It is safe for concurrent use.
type Handler struct {
	cfg    Config
	rt     *bot.Runtime
	st     *store.Store
	log    *slog.Logger
	hooks  *twilio.Hooks
	status *twilio.StatusHandler
	now    func() time.Time

	// Spool, if set, keeps the inbound messages the database cannot take
	// (twilio.Spooler; the same spool as SMS); without it such a webhook
	// is answered 500.
	Spool *spool.Spool
	// OnSpool, if set, is told of each message spooled, replayed or that
	// could not be spooled: a metric.
	OnSpool func(stage string)
}

// spooler is the handler's use of the inbound spool.
func (h *Handler) spooler() *twilio.Spooler {
	return &twilio.Spooler{Channel: Channel, Spool: h.Spool, OnSpool: h.OnSpool, Runtime: h.rt, Log: h.log}
}

// Replay runs a spooled WhatsApp message through the runtime and queues
// its replies in the outbox, idempotently (twilio.Spooler.Replay).
func (h *Handler) Replay(ctx context.Context, r spool.Record) error {
	return h.spooler().Replay(ctx, r)
}

// New returns the handler for cfg. cfg must be complete (see
// [Config.Check]); the service mounts nothing when it is not, so the
// routes answer 404. New registers the WhatsApp channel (its caps and
// the channel words) with rt; call it before rt handles messages.
func New(cfg Config, rt *bot.Runtime, log *slog.Logger) (*Handler, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if rt == nil || rt.Store == nil {
		return nil, errors.New("whatsapp: New needs a runtime with a store")
	}
	if log == nil {
		log = slog.Default()
	}
	h := &Handler{cfg: cfg, rt: rt, st: rt.Store, log: log.With("channel", Channel), hooks: twilio.NewHooks(cfg.AuthToken, cfg.PublicBaseURL), now: time.Now}
	h.status = &twilio.StatusHandler{Channel: Channel, AccountSID: cfg.AccountSID, Hooks: h.hooks, Store: h.st, Log: h.log, Address: Address}
	rt.Register(h.channel())
	return h, nil
}

// channel is what WhatsApp registers with the runtime: WhatsApp's cap on
// inbound text and the channel words SMS has (twilio.Words: STOP, START,
// HELP, the rate-limit notice, empty messages, the opted-out gate).
// Twilio's Advanced Opt-Out is an SMS feature, so the replies are always
// ours.
func (h *Handler) channel() bot.Channel {
	words := twilio.Words{
		Channel:   Channel,
		RateLimit: store.Limit{Name: senderLimit, Max: h.cfg.rateLimit(), Window: time.Minute},
	}
	return bot.Channel{Name: Channel, MaxText: MaxText, Count: locales.Runes, Interceptors: words.Interceptors(), RateLimits: words.Limits()}
}

// Register mounts the inbound and status webhooks on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+InboundPath, h.serveInbound)
	mux.Handle("POST "+StatusPath, h.status)
}
