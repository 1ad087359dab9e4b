package sms

import (
	"context"
	"net/http"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/twilio"
)

// serveInbound is POST /twilio/sms: size, signature, form, then the
// runtime. The answer is TwiML with the replies, written only after they
// are committed.
func (h *Handler) serveInbound(w http.ResponseWriter, r *http.Request) {
	values, status := h.verified(w, r)
	if status != 0 {
		h.log.Warn("sms: inbound webhook refused", "status", status)
		http.Error(w, http.StatusText(status), status)
		return
	}
	form, err := parseInbound(values, h.cfg)
	if err != nil {
		h.log.Warn("sms: inbound webhook malformed", "err", err)
		http.Error(w, "malformed webhook form", http.StatusBadRequest)
		return
	}
	if h.Spool != nil && h.Spool.Holds(Channel, form.From) {
		// Earlier messages of this sender wait in the spool: this one
		// waits behind them, so their replies come in order.
		h.spool(w, form, nil)
		return
	}
	ctx, cancel := h.commitContext(r)
	replies, err := h.receive(ctx, form)
	cancel()
	if err != nil {
		if h.Spool != nil {
			h.spool(w, form, err)
			return
		}
		// Nothing was committed, or everything was and a retry will be
		// answered from the store: either way Twilio may retry.
		h.log.Error("sms: handling inbound message", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.writeTwiML(w, replies)
}

// receive runs the message through the runtime (which runs this channel's
// interceptors, keywords.go, inside its transaction) and returns the texts
// to send back: the replies joined into one message, as the runtime
// stored them.
func (h *Handler) receive(ctx context.Context, f inboundForm) ([]string, error) {
	out, err := h.rt.Handle(ctx, bot.Inbound{Channel: Channel, Address: f.From, Text: f.Body, Media: f.Media, ExternalID: f.MessageSid})
	if err != nil {
		return nil, err
	}
	return repliesOf(out, f.Body), nil
}

// repliesOf is what to send back for a handled message (twilio.Replies).
var repliesOf = twilio.Replies
