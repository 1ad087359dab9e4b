package sms

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/spool"
	"github.com/rightsline/rightsline/store"
)

// commitTimeout bounds the runtime's work on one webhook when a spool is
// configured: a database that does not answer within it is treated as
// down and the message spooled, well inside the 15 s Twilio waits for an
// answer by default (the #rt= override, docs/sms.md).
const commitTimeout = 8 * time.Second

// commitContext is the request's context, bounded by commitTimeout when a
// spool can take over.
func (h *Handler) commitContext(r *http.Request) (context.Context, context.CancelFunc) {
	if h.Spool == nil {
		return r.Context(), func() {}
	}
	return context.WithTimeout(r.Context(), commitTimeout)
}

// spool writes a signed, well-formed message the database could not take
// (cause; nil when it waits behind the sender's spooled messages) to the
// local spool and answers 200 with an empty TwiML response.
//
// Why empty, and not "we got your message": the resident's language and
// conversation are in the database that is away, so a holding reply would
// be a guess (and cost a segment, UCS-2 in four of our languages), and
// the real reply follows through the outbox seconds after the database is
// back. A 500 instead would leave the message to Twilio's retries, which
// by default are one retry of a connection failure only.
func (h *Handler) spool(w http.ResponseWriter, f inboundForm, cause error) {
	rec := spool.Record{Channel: Channel, Address: f.From, Text: f.Body, Media: f.Media, ExternalID: f.MessageSid, At: h.now().UTC()}
	if err := h.Spool.Write(rec); err != nil {
		h.stage("failed")
		h.log.Error("sms: the database cannot take the message and the spool cannot either", "db_err", cause, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.stage("spooled")
	if cause != nil {
		h.log.Warn("sms: database unavailable; message spooled, its reply will go through the outbox", "err", cause)
	} else {
		h.log.Info("sms: message spooled behind the sender's earlier ones")
	}
	h.writeTwiML(w, nil)
}

func (h *Handler) stage(s string) {
	if h.OnSpool != nil {
		h.OnSpool(s)
	}
}

// Replay runs a spooled message through the runtime, as the webhook would
// have, and queues its replies in the outbox (the webhook was answered
// long ago). It is idempotent: the runtime answers a MessageSid seen
// before with the replies stored for it, and those are queued under a
// dedupe key, so a replay repeated after a crash sends nothing twice; a
// message the webhook committed after all (its commit was slow, not
// failed) gets its stored replies, which its TwiML never carried.
func (h *Handler) Replay(ctx context.Context, r spool.Record) error {
	if r.Channel != Channel {
		return errors.New("sms: not an SMS spool record")
	}
	out, err := h.rt.Handle(ctx, bot.Inbound{Channel: Channel, Address: r.Address, Text: r.Text, Media: r.Media, ExternalID: r.ExternalID, At: r.At})
	if err != nil {
		return err
	}
	replies := repliesOf(out, r.Text)
	if len(replies) == 0 {
		h.stage("replayed")
		return nil
	}
	err = h.st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.EnqueueOutbound(ctx, &store.Outbound{
			Channel: Channel, ContactID: out.Contact.ID, Address: r.Address, Body: replies[0],
			DedupeKey: "reply:" + Channel + ":" + r.ExternalID,
		})
		if errors.Is(err, store.ErrDuplicate) {
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	h.stage("replayed")
	return nil
}
