package twilio

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rightsline/rightsline/store"
)

// statusRank orders Twilio's message statuses so a callback that arrives
// late never moves a message back (courier keeps the same kind of table).
// https://www.twilio.com/docs/messaging/api/message-resource#message-status-values
var statusRank = map[string]int{
	"accepted":    1,
	"scheduled":   1,
	"queued":      1,
	"sending":     2,
	"sent":        3,
	"receiving":   3,
	"received":    4,
	"delivered":   4,
	"undelivered": 4,
	"failed":      4,
	"canceled":    4,
	"read":        5,
}

// Twilio error codes the channel acts on.
const (
	// errUnsubscribed: the recipient replied STOP; Twilio refuses to send
	// to them until they reply START.
	errUnsubscribed     = "21610"
	errUnsubscribedCode = 21610
	// ErrUnsubscribed is 21610 as Twilio reports it in a status callback.
	ErrUnsubscribed = errUnsubscribed
	// errInvalidTo and friends can never succeed, so retrying is waste.
	errInvalidTo        = 21211
	errNotMobile        = 21614
	errRegionNotAllowed = 21408
)

// StatusForm is the part of Twilio's status callback we use.
type StatusForm struct {
	MessageSid    string
	AccountSid    string
	MessageStatus string
	ErrorCode     string
	To            string
}

// ErrBadForm is a signed webhook whose fields are not what Twilio sends.
var ErrBadForm = errors.New("twilio: malformed webhook form")

// ParseStatus checks a status callback's shape.
func ParseStatus(v url.Values, accountSID string) (StatusForm, error) {
	f := StatusForm{
		MessageSid:    v.Get("MessageSid"),
		AccountSid:    v.Get("AccountSid"),
		MessageStatus: strings.ToLower(v.Get("MessageStatus")),
		ErrorCode:     v.Get("ErrorCode"),
		To:            strings.TrimSpace(v.Get("To")),
	}
	if f.MessageSid == "" {
		f.MessageSid = v.Get("SmsSid")
	}
	if f.MessageStatus == "" {
		f.MessageStatus = strings.ToLower(v.Get("SmsStatus"))
	}
	if !ValidSid(f.MessageSid, "SM", "MM") {
		return f, fmt.Errorf("%w: MessageSid", ErrBadForm)
	}
	if f.AccountSid != "" && f.AccountSid != accountSID {
		return f, fmt.Errorf("%w: AccountSid of another account", ErrBadForm)
	}
	if _, ok := statusRank[f.MessageStatus]; !ok {
		return f, fmt.Errorf("%w: MessageStatus", ErrBadForm)
	}
	if f.ErrorCode != "" {
		if _, err := strconv.Atoi(f.ErrorCode); err != nil {
			return f, fmt.Errorf("%w: ErrorCode", ErrBadForm)
		}
	}
	return f, nil
}

// KnownStatus reports whether s is one of Twilio's message statuses.
func KnownStatus(s string) bool {
	_, ok := statusRank[s]
	return ok
}

// ValidSid reports whether s looks like a Twilio SID with one of the
// prefixes: two letters and 32 hex digits.
func ValidSid(s string, prefixes ...string) bool {
	if len(s) != 34 {
		return false
	}
	ok := false
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			ok = true
		}
	}
	if !ok {
		return false
	}
	for _, r := range s[2:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// OutboxParam is the status callback's query parameter naming the outbox
// row of a REST send: "<row id>.<tag>". Twilio signs the callback URL,
// query included, so the id cannot be forged without the auth token; the
// tag (an HMAC of the id under the auth token) also refuses ids that were
// never ours, such as a URL copied from another deployment.
const OutboxParam = "ob"

// OutboxCallbackURL is the status callback URL at path for outbox row id.
func (h *Hooks) OutboxCallbackURL(path string, id int64) string {
	if id <= 0 {
		return h.URL(path)
	}
	return h.URL(path) + "?" + OutboxParam + "=" + strconv.FormatInt(id, 10) + "." + h.outboxTag(id)
}

func (h *Hooks) outboxTag(id int64) string {
	m := hmac.New(sha256.New, h.signer.key)
	fmt.Fprintf(m, "rightsline outbox row %d", id)
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// outboxRow reads the row id of a callback's ob parameter; false when
// absent or not ours.
func (h *Hooks) outboxRow(v string) (int64, bool) {
	idText, tag, ok := strings.Cut(v, ".")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != idText {
		return 0, false
	}
	return id, hmac.Equal([]byte(tag), []byte(h.outboxTag(id)))
}

// StatusHandler serves a channel's status callback: Twilio's delivery
// report for a message we sent (a TwiML reply or an outbox message).
// Checked like the inbound webhook; the status is recorded, and error
// 21610 (the recipient has replied STOP to Twilio) marks the contact
// opted out.
type StatusHandler struct {
	// Channel is the channel the messages and contacts are stored under.
	Channel    string
	AccountSID string
	Hooks      *Hooks
	Store      *store.Store
	Log        *slog.Logger
	// Address turns a callback's To into the address contacts are stored
	// under ("whatsapp:+1…" → "+1…"); nil keeps it.
	Address func(string) string
}

func (h *StatusHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	values, status := h.Hooks.Verified(w, r)
	if status != 0 {
		h.Log.Warn(h.Channel+": status callback refused", "status", status)
		http.Error(w, http.StatusText(status), status)
		return
	}
	form, err := ParseStatus(values, h.AccountSID)
	if err != nil {
		h.Log.Warn(h.Channel+": status callback malformed", "err", err)
		http.Error(w, "malformed status callback", http.StatusBadRequest)
		return
	}
	if raw := r.URL.Query().Get(OutboxParam); raw != "" {
		// A REST send's callback names its outbox row: Twilio has the
		// message, so the row is sent even if the dispatcher that sent it
		// died before recording it.
		if id, ok := h.Hooks.outboxRow(raw); !ok {
			h.Log.Warn(h.Channel + ": status callback names an outbox row that is not ours; ignored")
		} else if err := h.Store.RecordOutboundCallback(r.Context(), h.Channel, id, form.MessageSid); err != nil && !errors.Is(err, store.ErrNotFound) {
			h.Log.Error(h.Channel+": recording the outbox row of a status callback", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
	}
	if err := h.record(r.Context(), form); err != nil {
		h.Log.Error(h.Channel+": recording delivery status", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *StatusHandler) record(ctx context.Context, f StatusForm) error {
	applied, err := h.Store.RecordDeliveryStatus(ctx, store.DeliveryReport{
		Channel: h.Channel, ProviderID: f.MessageSid, Status: f.MessageStatus,
		Rank: statusRank[f.MessageStatus], ErrorCode: f.ErrorCode,
	})
	if err != nil {
		return err
	}
	if f.ErrorCode != errUnsubscribed || f.To == "" {
		h.Log.Debug(h.Channel+": delivery status", "status", f.MessageStatus, "error_code", f.ErrorCode, "applied", applied)
		return nil
	}
	to := f.To
	if h.Address != nil {
		to = h.Address(to)
	}
	// Only an address we know: a callback must not create contacts.
	c, err := h.Store.ContactByAddress(ctx, h.Channel, to)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.OptedOut {
		return nil
	}
	err = h.Store.InTx(ctx, func(tx *store.Tx) error { return tx.SetContactOptedOut(ctx, c.ID, true) })
	if err != nil {
		return err
	}
	h.Log.Info(h.Channel+": Twilio reports the recipient unsubscribed; contact opted out", "contact", c.ID)
	return nil
}
