package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/spool"
	"github.com/rightsline/rightsline/bot/twilio"
)

// inboundForm is the part of Twilio's WhatsApp inbound webhook we use.
// ProfileName, WaId and the location fields are personal data we have no
// use for: they are never read.
type inboundForm struct {
	MessageSid string
	From       string // the contact address: E.164 without "whatsapp:"
	Body       string
	// Media are the attachments (MediaUrl<i>, MediaContentType<i>), each
	// URL one of this account's media on Twilio (twilio.ParseMedia).
	Media []bot.Media
}

var errBadForm = errors.New("whatsapp: malformed webhook form")

// parseInbound checks the inbound form's shape. It is called only on
// signed requests, so a failure here is Twilio changing something, or a
// webhook configured on the wrong URL (an SMS number pointed here: its
// From has no "whatsapp:").
func parseInbound(v url.Values, cfg Config) (inboundForm, error) {
	accountSID := cfg.AccountSID
	f := inboundForm{MessageSid: v.Get("MessageSid"), Body: v.Get("Body")}
	if !twilio.ValidSid(f.MessageSid, "SM", "MM") {
		return f, fmt.Errorf("%w: MessageSid", errBadForm)
	}
	if a := v.Get("AccountSid"); a != "" && a != accountSID {
		return f, fmt.Errorf("%w: AccountSid of another account", errBadForm)
	}
	from := strings.TrimSpace(v.Get("From"))
	if !strings.HasPrefix(from, Prefix) || !e164.MatchString(Address(from)) {
		return f, fmt.Errorf("%w: From is not a WhatsApp number", errBadForm)
	}
	f.From = Address(from)
	k := 0
	if n := v.Get("NumMedia"); n != "" {
		var err error
		if k, err = strconv.Atoi(n); err != nil || k < 0 || k > bot.MaxMedia {
			return f, fmt.Errorf("%w: NumMedia", errBadForm)
		}
	}
	media, err := twilio.ParseMedia(v, k, cfg.mediaBase(), accountSID)
	if err != nil {
		return f, fmt.Errorf("%w: %w", errBadForm, err)
	}
	f.Media = media
	return f, nil
}

// serveInbound is POST /twilio/whatsapp: size, signature, form, then the
// runtime. The answer is TwiML with the replies, written only after they
// are committed.
func (h *Handler) serveInbound(w http.ResponseWriter, r *http.Request) {
	values, status := h.hooks.Verified(w, r)
	if status != 0 {
		h.log.Warn("whatsapp: inbound webhook refused", "status", status)
		http.Error(w, http.StatusText(status), status)
		return
	}
	form, err := parseInbound(values, h.cfg)
	if err != nil {
		h.log.Warn("whatsapp: inbound webhook malformed", "err", err)
		http.Error(w, "malformed webhook form", http.StatusBadRequest)
		return
	}
	sp := h.spooler()
	if sp.Holds(form.From) {
		// Earlier messages of this sender wait in the spool: this one
		// waits behind them, so their replies come in order.
		h.spool(w, form, nil)
		return
	}
	ctx, cancel := sp.CommitContext(r)
	replies, err := h.receive(ctx, form)
	cancel()
	if err != nil {
		if sp.On() {
			h.spool(w, form, err)
			return
		}
		// Nothing was committed, or everything was and a retry will be
		// answered from the store: either way Twilio may retry.
		h.log.Error("whatsapp: handling inbound message", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.writeTwiML(w, replies)
}

// writeTwiML answers the webhook with the replies, split at Twilio's 1600
// characters, their statuses reported to WhatsApp's status callback.
func (h *Handler) writeTwiML(w http.ResponseWriter, replies []string) {
	twilio.WriteTwiML(w, h.hooks.URL(StatusPath), replies, parts)
}

// spool keeps a message the database could not take (cause; nil when it
// waits behind the sender's spooled messages) and answers with an empty
// TwiML response; its reply follows through the outbox.
func (h *Handler) spool(w http.ResponseWriter, f inboundForm, cause error) {
	rec := spool.Record{Channel: Channel, Address: f.From, Text: f.Body, Media: f.Media, ExternalID: f.MessageSid, At: h.now().UTC()}
	if !h.spooler().Write(rec, cause) {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.writeTwiML(w, nil)
}

// receive runs the message through the runtime (which runs the channel
// words inside its transaction) and returns the texts to send back: the
// replies joined into one message, as the runtime stored them. Numbered
// choices are already in the text ("1 Housing …"), which every WhatsApp
// client shows and the person answers by typing the number.
func (h *Handler) receive(ctx context.Context, f inboundForm) ([]string, error) {
	out, err := h.rt.Handle(ctx, bot.Inbound{Channel: Channel, Address: f.From, Text: f.Body, Media: f.Media, ExternalID: f.MessageSid})
	if err != nil {
		return nil, err
	}
	return twilio.Replies(out, f.Body), nil
}
