// Package bot is the runtime every channel shares: it finds the contact,
// loads the conversation, steps the engine and commits the inbound message,
// the new state, the outbound replies and any report in one transaction,
// before the channel sends a single reply. The channels live in
// subpackages (bot/sms, bot/discord, bot/web, bot/terminal).
package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Inbound is one message from a person on a channel.
type Inbound struct {
	Channel string // "sms", "discord", "web", "terminal"
	Address string // phone number, Discord user ID, simulator session …
	Text    string
	// ExternalID is the provider's message ID (Twilio MessageSid, Discord
	// interaction ID). A repeated ExternalID is answered with the replies
	// stored the first time and runs nothing again.
	ExternalID string
	// Lang is the language the channel knows the person uses (a Discord
	// locale, --lang); used only for a new conversation.
	Lang locales.Lang
	At   time.Time
}

// Outcome is what the channel sends back.
type Outcome struct {
	Contact store.Contact
	Replies []flows.Reply
	Prompt  flows.Prompt
	Lang    locales.Lang
	// Duplicate is set when the message was seen before; Replies are then
	// those stored the first time.
	Duplicate bool
	// Events are what the step produced (reports filed, language changes).
	Events []flows.Event
}

// EventHandler persists what an engine event asks for (a report) inside
// the step's transaction, and may add replies' template data (a report
// reference) before the channel sees them.
type EventHandler interface {
	HandleEvent(ctx context.Context, tx *store.Tx, c store.Contact, channel string, ev flows.Event) error
}

// Interceptor answers a message before the conversation engine sees it:
// commands that work the same in every state, such as STATUS <reference>.
// It runs inside the message's transaction, after the inbound message is
// stored. handled false passes the message on to the engine.
type Interceptor interface {
	Intercept(ctx context.Context, tx *store.Tx, c store.Contact, lang locales.Lang, text string) (replies []flows.Reply, handled bool, err error)
}

// Runtime steps conversations and stores them.
type Runtime struct {
	Store  *store.Store
	Engine *flows.Engine
	Log    *slog.Logger
	// Events handles engine events; nil ignores them.
	Events EventHandler
	// Interceptors answer before the engine, in order.
	Interceptors []Interceptor
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// ErrEmptyAddress is returned for an inbound message without an address.
var ErrEmptyAddress = errors.New("bot: inbound message has no address")

// Handle runs one inbound message through the conversation and returns the
// replies to send. Everything is committed before it returns: a caller that
// crashes after Handle loses nothing, and one that calls again with the same
// ExternalID gets the same replies.
func (r *Runtime) Handle(ctx context.Context, in Inbound) (Outcome, error) {
	if in.Address == "" || in.Channel == "" {
		return Outcome{}, ErrEmptyAddress
	}
	if in.At.IsZero() {
		in.At = r.now()
	}
	in.At = in.At.UTC()
	var out Outcome
	var err error
	// A new report reference can collide with a stored one (1 in 2^40 a
	// pair); the step then runs again and draws another.
	for attempt := 0; attempt < 3; attempt++ {
		out, err = r.handleOnce(ctx, in)
		if !errors.Is(err, intake.ErrReferenceTaken) {
			break
		}
	}
	if err != nil {
		return Outcome{}, err
	}
	r.log().LogAttrs(ctx, slog.LevelInfo, "message handled",
		slog.String("channel", in.Channel), slog.Int64("contact", out.Contact.ID),
		slog.Bool("duplicate", out.Duplicate), slog.Int("replies", len(out.Replies)),
		slog.String("lang", string(out.Lang)), slog.String("state", out.Prompt.State))
	return out, nil
}

func (r *Runtime) handleOnce(ctx context.Context, in Inbound) (Outcome, error) {
	var out Outcome
	err := r.Store.InTx(ctx, func(tx *store.Tx) error {
		out = Outcome{}
		c, state, err := tx.ConversationForUpdate(ctx, in.Channel, in.Address)
		if err != nil {
			return err
		}
		out.Contact = c
		inMsg := store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: in.Channel, Body: in.Text, ExternalID: in.ExternalID, Status: "received"}
		if err := tx.InsertMessage(ctx, &inMsg); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				out.Duplicate = true
				return nil
			}
			return err
		}
		conv := r.decode(c, state, in)
		// Commands such as STOP work from the very first message, before a
		// language is chosen: they answer in the language the text is in,
		// or in English.
		lang := conv.Lang
		if lang == "" {
			if l, ok := locales.Detect(in.Text); ok {
				lang = l
			} else {
				lang = locales.English
			}
		}
		for _, ic := range r.Interceptors {
			replies, handled, err := ic.Intercept(ctx, tx, c, lang, in.Text)
			if err != nil {
				return err
			}
			if handled {
				out.Replies, out.Lang = replies, lang
				return r.storeReplies(ctx, tx, c.ID, inMsg, in.Channel, replies)
			}
		}
		res, err := r.Engine.Step(conv, flows.Input{Text: in.Text, At: in.At})
		if err != nil {
			return err
		}
		for _, ev := range res.Events {
			if ev.Type == flows.EventLanguageChanged {
				if err := tx.SetContactLang(ctx, c.ID, string(res.Conv.Lang)); err != nil {
					return err
				}
				out.Contact.Lang = string(res.Conv.Lang)
			}
			if r.Events != nil {
				if err := r.Events.HandleEvent(ctx, tx, out.Contact, in.Channel, ev); err != nil {
					return fmt.Errorf("bot: handling %s: %w", ev.Type, err)
				}
			}
		}
		saved, err := json.Marshal(res.Conv)
		if err != nil {
			return err
		}
		if err := tx.SaveConversation(ctx, c.ID, saved, in.At); err != nil {
			return err
		}
		if err := r.storeReplies(ctx, tx, c.ID, inMsg, in.Channel, res.Replies); err != nil {
			return err
		}
		out.Replies, out.Prompt, out.Lang, out.Events = res.Replies, res.Prompt, res.Conv.Lang, res.Events
		return nil
	})
	if err != nil {
		return Outcome{}, err
	}
	if out.Duplicate {
		_, stored, err := r.Store.InboundByExternalID(ctx, in.Channel, in.ExternalID)
		if err != nil {
			return Outcome{}, err
		}
		for _, m := range stored {
			out.Replies = append(out.Replies, flows.Reply{ID: "stored", Text: m.Body})
		}
		out.Lang = locales.Lang(out.Contact.Lang)
	}
	return out, nil
}

func (r *Runtime) storeReplies(ctx context.Context, tx *store.Tx, contactID int64, inMsg store.Message, channel string, replies []flows.Reply) error {
	msgs := make([]store.Message, len(replies))
	for i, rep := range replies {
		msgs[i] = store.Message{ContactID: contactID, Direction: store.DirectionOut, Channel: channel, Body: rep.Text, InReplyTo: inMsg.ID, Status: "reply"}
	}
	return tx.InsertReplies(ctx, msgs)
}

// decode returns the saved conversation, or a new one in the contact's or
// the channel's language when state is nil.
func (r *Runtime) decode(c store.Contact, state []byte, in Inbound) flows.Conversation {
	var conv flows.Conversation
	if state == nil {
		if l, ok := locales.ParseLang(c.Lang); ok {
			conv.Lang = l
		} else if in.Lang != "" {
			conv.Lang = in.Lang
		}
		return conv
	}
	if err := json.Unmarshal(state, &conv); err != nil {
		// A state we cannot read must not lock the person out: start again.
		r.log().Warn("unreadable conversation state; starting again", "contact", c.ID, "err", err)
		conv = flows.Conversation{Lang: locales.Lang(c.Lang)}
	}
	return conv
}

func (r *Runtime) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runtime) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.Default()
}

// JoinReplies joins replies into one text, a blank line between them, for
// channels that send one message per step.
func JoinReplies(rs []flows.Reply) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Text
	}
	return strings.Join(parts, "\n\n")
}
