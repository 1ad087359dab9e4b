package sms

import (
	"context"
	"net/http"

	"github.com/rightsline/rightsline/bot/spool"
	"github.com/rightsline/rightsline/bot/twilio"
)

// spooler is the handler's use of the inbound spool (twilio.Spooler), with
// the Spool and OnSpool set on the handler.
func (h *Handler) spooler() *twilio.Spooler {
	return &twilio.Spooler{Channel: Channel, Spool: h.Spool, OnSpool: h.OnSpool, Runtime: h.rt, Log: h.log}
}

// commitContext is the request's context, bounded by twilio.CommitTimeout
// when a spool can take over.
func (h *Handler) commitContext(r *http.Request) (context.Context, context.CancelFunc) {
	return h.spooler().CommitContext(r)
}

// spool writes a signed, well-formed message the database could not take
// (cause; nil when it waits behind the sender's spooled messages) to the
// local spool and answers 200 with an empty TwiML response (why empty:
// twilio.Spooler.Write).
func (h *Handler) spool(w http.ResponseWriter, f inboundForm, cause error) {
	rec := spool.Record{Channel: Channel, Address: f.From, Text: f.Body, Media: f.Media, ExternalID: f.MessageSid, At: h.now().UTC()}
	if !h.spooler().Write(rec, cause) {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.writeTwiML(w, nil)
}

// Replay runs a spooled message through the runtime and queues its
// replies in the outbox, idempotently (twilio.Spooler.Replay).
func (h *Handler) Replay(ctx context.Context, r spool.Record) error {
	return h.spooler().Replay(ctx, r)
}
