package sms

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// serveInbound is POST /twilio/sms: size, signature, form, then meaning.
// The answer is TwiML with the replies, written only after they are
// committed.
func (h *Handler) serveInbound(w http.ResponseWriter, r *http.Request) {
	values, status := h.verified(w, r)
	if status != 0 {
		h.log.Warn("sms: inbound webhook refused", "status", status)
		http.Error(w, http.StatusText(status), status)
		return
	}
	form, err := parseInbound(values, h.cfg.AccountSID)
	if err != nil {
		h.log.Warn("sms: inbound webhook malformed", "err", err)
		http.Error(w, "malformed webhook form", http.StatusBadRequest)
		return
	}
	replies, err := h.receive(r.Context(), form)
	if err != nil {
		// Nothing was committed, or everything was and a retry will be
		// answered from the store: either way Twilio may retry.
		h.log.Error("sms: handling inbound message", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.writeTwiML(w, replies)
}

// receive decides what an inbound message means and returns the texts to
// send back. The order matters: the opt-out keywords always work, even for
// a sender over the rate limit; an opted-out contact gets nothing but the
// answer to START; only then does the conversation engine run.
func (h *Handler) receive(ctx context.Context, f inboundForm) ([]string, error) {
	text := cleanText(f.Body)
	switch classify(text) {
	case kwStop:
		return h.direct(ctx, f, text, func(c store.Contact) verdict {
			if c.OptedOut {
				return verdict{handled: true} // confirmed once already
			}
			return verdict{handled: true, optOut: ptr(true), reply: h.keywordReply("sms.stopped")}
		})
	case kwStart:
		return h.direct(ctx, f, text, func(c store.Contact) verdict {
			return verdict{handled: true, optOut: ptr(false), reply: h.keywordReply("sms.started")}
		})
	case kwYes:
		replies, handled, err := h.directMaybe(ctx, f, text, func(c store.Contact) verdict {
			if !c.OptedOut {
				return verdict{} // an answer to a question: the engine's
			}
			return verdict{handled: true, optOut: ptr(false), reply: h.keywordReply("sms.started")}
		})
		if err != nil || handled {
			return replies, err
		}
	case kwHelp:
		return h.direct(ctx, f, text, func(c store.Contact) verdict {
			if c.OptedOut {
				return verdict{handled: true}
			}
			return verdict{handled: true, reply: h.keywordReply("sms.help")}
		})
	}

	switch h.limiter.allow(f.From, h.now()) {
	case rateNotice:
		return h.direct(ctx, f, text, func(c store.Contact) verdict {
			return verdict{handled: true, status: "rate_limited", reply: unlessOptedOut(c, "sms.rate_limited")}
		})
	case rateQuiet:
		return h.direct(ctx, f, text, func(c store.Contact) verdict {
			return verdict{handled: true, status: "rate_limited"}
		})
	}

	if strings.TrimSpace(text) == "" {
		id := "sms.empty"
		if f.NumMedia > 0 {
			id = "sms.media_only"
		}
		return h.direct(ctx, f, text, func(c store.Contact) verdict {
			return verdict{handled: true, reply: unlessOptedOut(c, id)}
		})
	}

	// An opted-out contact is stopped by the gate (gate.go) inside the
	// runtime's transaction, with no query of its own.
	out, err := h.rt.Handle(ctx, bot.Inbound{Channel: Channel, Address: f.From, Text: text, ExternalID: f.MessageSid})
	if err != nil {
		return nil, err
	}
	if out.Contact.OptedOut {
		// The runtime runs interceptors only once it knows the contact's
		// language; a contact whose very first message was STOP has none
		// yet, and must still get nothing.
		return nil, nil
	}
	if len(out.Replies) == 0 {
		return nil, nil
	}
	return []string{bot.JoinReplies(out.Replies)}, nil
}

// verdict is what a channel-level answer does to the contact.
type verdict struct {
	// handled false passes the message on to the engine.
	handled bool
	// optOut, if set, becomes the contact's opted-out flag.
	optOut *bool
	// reply is a message ID to send in the contact's language, or "".
	reply string
	// status is stored on the inbound message; "" means "received".
	status string
}

// keywordReply is id unless Twilio's Advanced Opt-Out answers keywords.
func (h *Handler) keywordReply(id string) string {
	if h.cfg.AdvancedOptOut {
		return ""
	}
	return id
}

func unlessOptedOut(c store.Contact, id string) string {
	if c.OptedOut {
		return ""
	}
	return id
}

func ptr[T any](v T) *T { return &v }

// direct answers a message at the channel level, without the engine.
func (h *Handler) direct(ctx context.Context, f inboundForm, text string, decide func(store.Contact) verdict) ([]string, error) {
	replies, _, err := h.directMaybe(ctx, f, text, decide)
	return replies, err
}

// directMaybe stores the inbound message, applies decide's verdict to the
// contact and stores the reply, all in one transaction, then returns the
// reply. A MessageSid seen before changes nothing and returns the replies
// stored the first time. handled is false when decide passed the message
// on; nothing is stored then.
func (h *Handler) directMaybe(ctx context.Context, f inboundForm, text string, decide func(store.Contact) verdict) (replies []string, handled bool, err error) {
	duplicate, optedOut := false, false
	var contactID int64
	err = h.st.InTx(ctx, func(tx *store.Tx) error {
		replies, handled, duplicate = nil, false, false
		c, err := tx.ContactForUpdate(ctx, Channel, f.From)
		if err != nil {
			return err
		}
		contactID, optedOut = c.ID, c.OptedOut
		v := decide(c)
		if !v.handled {
			return nil
		}
		handled = true
		status := v.status
		if status == "" {
			status = "received"
		}
		in := store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: Channel, Body: text, ExternalID: f.MessageSid, Status: status}
		if err := tx.InsertMessage(ctx, &in); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				duplicate = true
				return nil
			}
			return err
		}
		if v.optOut != nil && *v.optOut != c.OptedOut {
			if err := tx.SetContactOptedOut(ctx, c.ID, *v.optOut); err != nil {
				return err
			}
		}
		if v.reply == "" {
			return nil
		}
		body, err := h.cat.Text(contactLang(c), v.reply, nil)
		if err != nil {
			return err
		}
		out := store.Message{ContactID: c.ID, Direction: store.DirectionOut, Channel: Channel, Body: body, InReplyTo: in.ID, Status: "reply"}
		if err := tx.InsertMessage(ctx, &out); err != nil {
			return err
		}
		replies = []string{body}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	// A retry of anything but the STOP itself gets nothing once the
	// contact has opted out; a retried STOP gets its confirmation again,
	// since Twilio may never have received the first answer.
	if duplicate && optedOut && classify(text) != kwStop {
		return nil, true, nil
	}
	if duplicate {
		_, stored, err := h.st.InboundByExternalID(ctx, Channel, f.MessageSid)
		if err != nil {
			return nil, true, err
		}
		replies = replies[:0]
		for _, m := range stored {
			replies = append(replies, m.Body)
		}
		replies = joinReplies(replies)
	}
	if handled {
		h.log.Info("sms: answered at channel level", "contact", contactID, "duplicate", duplicate, "replies", len(replies))
	}
	return replies, handled, nil
}

// contactLang is the contact's language, English until one is chosen.
func contactLang(c store.Contact) locales.Lang {
	if l, ok := locales.ParseLang(c.Lang); ok {
		return l
	}
	return locales.English
}
