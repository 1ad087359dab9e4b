// Package bot is the runtime every channel shares, and the only door into
// a conversation: a channel checks size, signature and shape, turns the
// request into one typed Inbound message, calls Runtime.Handle, and renders
// the Outcome. Handle finds the contact, cleans the text, runs the
// channel's interceptors (STOP, HELP, the rate-limit notice …), checks a
// click against the state it was offered in, steps the engine and commits
// the inbound message, the new state, the replies and any report in one
// transaction, before the channel sends a single reply. The channels live
// in subpackages (bot/sms, bot/discord, bot/web, bot/terminal).
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Inbound is one thing a person did on a channel. Exactly one of Text,
// Choice, Word, Flow or Command says what; an Inbound with none of them is
// an empty typed message.
type Inbound struct {
	Channel string // "sms", "discord", "web", "terminal"
	Address string // phone number, Discord user ID, simulator session …
	// ExternalID is the provider's message ID (Twilio MessageSid, Discord
	// interaction ID). A repeated ExternalID is answered with the replies
	// stored the first time and runs nothing again.
	ExternalID string
	// Lang is the language the channel knows the person uses (a Discord
	// locale, --lang); used only for a new conversation.
	Lang locales.Lang
	At   time.Time

	// Text is what the person typed (or wrote in a form). The runtime
	// cleans it (see locales.Clean) and caps it at the channel's MaxText
	// before anything is stored.
	Text string
	// Choice is the key of a choice picked from a button or select menu.
	Choice string
	// Word is a global word picked from a button (flows.WordMenu …).
	Word string
	// Flow starts a flow at its first state, as /report does ("intake");
	// a conversation already in that flow is asked its question again.
	Flow string
	// Command is a channel command for the interceptors ("status" for
	// /status), with its argument.
	Command, Arg string
	// Media are the attachments (MMS photos, a Discord attachment), at
	// most MaxMedia, already checked by the channel (Twilio's media URLs
	// only on Twilio's hosts). The runtime stores them with the message,
	// in its transaction, for the media pipeline to fetch.
	Media []Media

	// State, when set, is the state the person answered (the state a
	// button, select menu or form was offered in). If the conversation
	// has moved on, nothing runs: the Outcome is Stale.
	State string
	// Defaults are conversation variables set unless the conversation
	// already has them: a Discord server's jurisdiction.
	Defaults map[string]string
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
	// Stale is set when the message answered a state the conversation has
	// left (a click on an old message); Replies hold the channel's stale
	// notice and Prompt what the conversation asks now.
	Stale bool
	// Intercepted is set when an interceptor answered instead of the
	// engine (Prompt is then empty).
	Intercepted bool
	// Events are what the step produced (reports filed, language changes).
	Events []flows.Event
}

// EventHandler persists what an engine event asks for (a report) inside
// the step's transaction. An error that wraps ErrRetry makes the runtime
// run the whole message again (up to three times).
type EventHandler interface {
	HandleEvent(ctx context.Context, tx *store.Tx, c store.Contact, channel string, ev flows.Event) error
}

// ErrRetry, wrapped in an error from an EventHandler, means "nothing was
// stored; run the step again": a new report's random reference collided
// with a stored one, and the next run draws another.
var ErrRetry = errors.New("bot: run the step again")

// Turn is what an interceptor sees of one inbound message, inside the
// runtime's transaction with the contact locked.
type Turn struct {
	Tx      *store.Tx
	Contact store.Contact
	// Lang is the conversation's language; before one is chosen, the
	// language the text is written in, or English.
	Lang locales.Lang
	// In is the message, its Text already cleaned and capped.
	In Inbound
	// State is the conversation's current state ("" for a new one).
	State string
	// MediaKept is how many of In.Media will be kept with the report in
	// progress (see Runtime.Handle); 0 outside a report.
	MediaKept int
	media     mediaPlan
	maxMedia  int
	cat       *locales.Catalog
}

// Reply renders message id in the turn's language.
func (t *Turn) Reply(id string, data map[string]string) (flows.Reply, error) {
	text, err := t.cat.Text(t.Lang, id, data)
	return flows.Reply{ID: id, Text: text}, err
}

// Verdict is an interceptor's decision.
type Verdict struct {
	// Handled stops the message here: the engine does not run and the
	// conversation is not changed. false passes it on.
	Handled bool
	// Replies are sent (and stored) instead of the engine's.
	Replies []flows.Reply
	// Status is stored on the inbound message ("rate_limited"); "" means
	// "received".
	Status string
	// Redact lists secrets (a one-time link code) replaced by their mask
	// in what is stored of the inbound message and of Replies; the
	// channel still sends Replies as they are. A repeated delivery is
	// answered with the masked replies.
	Redact []Redaction
	// KeepMedia keeps the message's media with the report in progress
	// although the message was handled (a photo sent without text): the
	// message then stays part of the report's conversation, not aside.
	KeepMedia bool
}

// Redaction is a secret and what is stored in its place.
type Redaction struct{ Secret, Mask string }

// redact masks v's secrets in text.
func (v Verdict) redact(text string) string {
	for _, r := range v.Redact {
		if r.Secret != "" {
			text = strings.ReplaceAll(text, r.Secret, r.Mask)
		}
	}
	return text
}

// Interceptor answers a message before the conversation engine sees it:
// channel words (STOP, HELP, the rate-limit notice, an empty SMS) and
// commands that work the same in every state (STATUS <reference>). It runs
// inside the message's transaction and may change the contact through
// t.Tx; a repeated ExternalID rolls back whatever it did. It must have no
// other effects: the transaction may run again on contention.
type Interceptor interface {
	Intercept(ctx context.Context, t *Turn) (Verdict, error)
}

// InterceptorFunc adapts a function to Interceptor.
type InterceptorFunc func(ctx context.Context, t *Turn) (Verdict, error)

// Intercept implements Interceptor.
func (f InterceptorFunc) Intercept(ctx context.Context, t *Turn) (Verdict, error) { return f(ctx, t) }

// Channel is what a channel registers with the runtime.
type Channel struct {
	Name string
	// MaxText caps inbound text, as Count measures it; longer text is cut
	// (between characters) before it is stored. 0 means DefaultMaxText.
	MaxText int
	// Count measures text for MaxText; nil counts characters.
	Count locales.Counter
	// Interceptors run first, in order, before the runtime's own.
	Interceptors []Interceptor
	// Stale is the message ID answered to a click on an old message; ""
	// means flows.MsgNotUnderstood.
	Stale string
	// RateLimits are the limits the interceptors count against the
	// message's address with Tx.Allow; on Postgres the store reads them
	// with the contact's lock and counts the hit with the COMMIT, a
	// round trip fewer (store.InConversation).
	RateLimits []store.Limit
}

// DefaultMaxMediaPerReport is how many attachments one report keeps by
// default.
const DefaultMaxMediaPerReport = 10

// DefaultMaxText is the inbound cap of a channel that sets none: more
// than any one SMS (1600) or Discord message (2000 characters).
const DefaultMaxText = 4000

// Runtime steps conversations and stores them. Configure it (Register,
// Interceptors) before it handles messages; Handle is then safe for
// concurrent use.
type Runtime struct {
	Store  *store.Store
	Engine *flows.Engine
	Log    *slog.Logger
	// Events handles engine events; nil ignores them.
	Events EventHandler
	// Interceptors answer before the engine, after the channel's own, for
	// every channel (STATUS <reference>).
	Interceptors []Interceptor
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// OnHandled, if set, is told how long each Handle took (engine and
	// transaction, retries included) and its error, for metrics.
	OnHandled func(channel string, took time.Duration, err error)
	// MaxMediaPerReport caps the attachments kept with one report
	// (MEDIA_MAX_PER_REPORT); 0 means DefaultMaxMediaPerReport.
	MaxMediaPerReport int
	// MediaFlows are the flows (an Extension's MediaFlow: "intake")
	// whose conversations are told, before each step, how many
	// attachments the report in progress holds (flows.VarMediaCount).
	MediaFlows []string

	channels map[string]Channel
}

// Register adds (or replaces) a channel's settings and interceptors. A
// channel that never registers gets the defaults.
func (r *Runtime) Register(ch Channel) {
	if r.channels == nil {
		r.channels = map[string]Channel{}
	}
	r.channels[ch.Name] = ch
}

func (r *Runtime) channel(name string) Channel {
	ch, ok := r.channels[name]
	if !ok {
		ch.Name = name
	}
	if ch.MaxText <= 0 {
		ch.MaxText = DefaultMaxText
	}
	if ch.Count == nil {
		ch.Count = locales.Runes
	}
	if ch.Stale == "" {
		ch.Stale = flows.MsgNotUnderstood
	}
	return ch
}

// StatusStale is stored on an inbound click that answered a state the
// conversation had left; it was answered with the channel's stale notice
// and changed nothing.
const StatusStale = "stale"

// ErrEmptyAddress is returned for an inbound message without an address.
var ErrEmptyAddress = errors.New("bot: inbound message has no address")

// errDuplicate aborts the transaction of a message seen before, undoing
// what interceptors did; Handle then answers from the store.
var errDuplicate = errors.New("bot: message seen before")

// Handle runs one inbound message through the conversation and returns the
// replies to send. Everything is committed before it returns: a caller that
// crashes after Handle loses nothing, and one that calls again with the same
// ExternalID gets the same replies.
func (r *Runtime) Handle(ctx context.Context, in Inbound) (_ Outcome, err error) {
	if in.Address == "" || in.Channel == "" {
		return Outcome{}, ErrEmptyAddress
	}
	if in.At.IsZero() {
		in.At = r.now()
	}
	in.At = in.At.UTC()
	if r.OnHandled != nil {
		start := time.Now()
		defer func() { r.OnHandled(in.Channel, time.Since(start), err) }()
	}
	ch := r.channel(in.Channel)
	in.Text = locales.Truncate(locales.Clean(in.Text), ch.MaxText, ch.Count)
	in.Arg = locales.Truncate(locales.Clean(in.Arg), ch.MaxText, ch.Count)
	var out Outcome
	for attempt := 0; attempt < 3; attempt++ {
		out, err = r.handleOnce(ctx, ch, in)
		if !errors.Is(err, ErrRetry) {
			break
		}
	}
	if err != nil {
		return Outcome{}, err
	}
	r.log().LogAttrs(ctx, slog.LevelInfo, "message handled",
		slog.String("channel", in.Channel), slog.Int64("contact", out.Contact.ID),
		slog.Bool("duplicate", out.Duplicate), slog.Bool("stale", out.Stale),
		slog.Bool("intercepted", out.Intercepted), slog.Int("replies", len(out.Replies)),
		slog.String("lang", string(out.Lang)), slog.String("state", out.Prompt.State))
	return out, nil
}

func (r *Runtime) handleOnce(ctx context.Context, ch Channel, in Inbound) (Outcome, error) {
	var out Outcome
	// atCommit: the step's writes go with the COMMIT, so a duplicate is
	// InConversation's error rather than RecordStepAtCommit's.
	var atCommit bool
	err := r.Store.InConversation(ctx, in.Channel, in.Address, func(tx *store.Tx, c store.Contact, state []byte) error {
		out, atCommit = Outcome{}, false
		out.Contact = c
		conv := r.decode(c, state, in)
		// Channel words such as STOP work from the very first message,
		// before a language is chosen: they answer in the language the
		// text is in, or in English.
		lang := conv.Lang
		if lang == "" {
			if l, ok := r.Engine.Catalog().Detect(in.Text); ok {
				lang = l
			} else {
				lang = locales.English
			}
		}
		md, err := r.mediaPlan(ctx, tx, c.ID, conv, in)
		if err != nil {
			return err
		}
		turn := &Turn{Tx: tx, Contact: c, Lang: lang, In: in, State: conv.State, MediaKept: md.keep, media: md, maxMedia: r.maxMedia(), cat: r.Engine.Catalog()}
		v, err := r.intercept(ctx, ch, turn)
		if err != nil {
			return err
		}
		stale := !v.Handled && in.State != "" && in.State != conv.State
		status := v.Status
		switch {
		case stale:
			status = StatusStale
		case status == "":
			status = "received"
		}
		inMsg := store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: in.Channel, Body: v.redact(r.describe(in, lang)), ExternalID: in.ExternalID, Status: status}
		// The usual step: the engine is pure, so it runs before any
		// write, and a step that raises no events (menus, answers)
		// writes the message, the state and the replies together: one
		// statement on Postgres instead of three, sent with the COMMIT
		// when nothing follows it (no media to keep). A duplicate still
		// writes nothing (ErrDuplicate, and the transaction is rolled
		// back).
		var res flows.Result
		var stepErr error
		if !v.Handled && !stale {
			if md.counted {
				if conv.Vars == nil {
					conv.Vars = map[string]string{}
				}
				conv.Vars[flows.VarMediaCount] = strconv.Itoa(md.count)
			}
			res, stepErr = r.step(conv, in)
			if stepErr == nil {
				note, err := r.mediaNote(turn, md)
				if err != nil {
					return err
				}
				res.Replies = append(note, res.Replies...)
			}
			if stepErr == nil && onlyLanguageChanged(res.Events) {
				saved, err := flows.EncodeState(res.Conv)
				if err != nil {
					return err
				}
				record := tx.RecordStep
				if md.keep == 0 {
					record, atCommit = tx.RecordStepAtCommit, true
				}
				if err := record(ctx, &inMsg, saved, in.At, replyMessages(c.ID, in.Channel, res.Replies)); err != nil {
					if errors.Is(err, store.ErrDuplicate) {
						return errDuplicate
					}
					return err
				}
				out.Replies, out.Prompt, out.Lang = res.Replies, res.Prompt, res.Conv.Lang
				if len(res.Events) > 0 {
					// A language chosen or detected (a new contact's
					// first message, LANGUAGE): the contact's language
					// goes with the step too.
					if err := tx.SetContactLangAtCommit(ctx, c.ID, string(res.Conv.Lang)); err != nil {
						return err
					}
					out.Contact.Lang, out.Events = string(res.Conv.Lang), res.Events
					if err := r.handleEvents(ctx, tx, out.Contact, in.Channel, res.Events); err != nil {
						return err
					}
				}
				if atCommit {
					return nil // nothing else may follow the step
				}
				return r.keepMedia(ctx, tx, c.ID, inMsg.ID, in, md)
			}
			// Other events (a report started, filed or discarded) are
			// handled after the message is stored and before the state
			// and the replies, as their handlers expect; an engine error
			// is answered after the duplicate check below.
		}
		if err := tx.InsertMessage(ctx, &inMsg); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return errDuplicate
			}
			return err
		}
		if v.Handled {
			if v.KeepMedia && md.keep > 0 {
				// A photo without text in a report: part of the report.
				if err := r.keepMedia(ctx, tx, c.ID, inMsg.ID, in, md); err != nil {
					return err
				}
			} else if err := tx.MarkAside(ctx, inMsg.ID); err != nil {
				// Answered outside the conversation: not part of any
				// intake it interrupts (a STATUS reply names the
				// contact's other reports).
				return err
			}
			out.Replies, out.Lang, out.Intercepted = v.Replies, lang, true
			stored := v.Replies
			if len(v.Redact) > 0 {
				stored = make([]flows.Reply, len(v.Replies))
				for i, rep := range v.Replies {
					stored[i] = flows.Reply{ID: rep.ID, Text: v.redact(rep.Text)}
				}
			}
			return r.storeReplies(ctx, tx, c.ID, inMsg, in.Channel, stored)
		}
		if stale {
			rep, err := turn.Reply(ch.Stale, nil)
			if err != nil {
				return err
			}
			out.Replies, out.Lang, out.Stale = []flows.Reply{rep}, lang, true
			out.Prompt = r.Engine.Prompt(conv)
			return r.storeReplies(ctx, tx, c.ID, inMsg, in.Channel, out.Replies)
		}
		if stepErr != nil {
			return stepErr
		}
		for _, ev := range res.Events {
			if ev.Type == flows.EventLanguageChanged {
				if err := tx.SetContactLang(ctx, c.ID, string(res.Conv.Lang)); err != nil {
					return err
				}
				out.Contact.Lang = string(res.Conv.Lang)
			}
		}
		if err := r.handleEvents(ctx, tx, out.Contact, in.Channel, res.Events); err != nil {
			return err
		}
		saved, err := flows.EncodeState(res.Conv)
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
		return r.keepMedia(ctx, tx, c.ID, inMsg.ID, in, md)
	}, ch.RateLimits...)
	if errors.Is(err, errDuplicate) || (atCommit && errors.Is(err, store.ErrDuplicate)) {
		return r.stored(ctx, in, out.Contact)
	}
	if err != nil {
		return Outcome{}, err
	}
	return out, nil
}

// onlyLanguageChanged reports whether evs holds no event but language
// changes (none at all, usually), which the usual step writes with its
// message, state and replies.
func onlyLanguageChanged(evs []flows.Event) bool {
	for _, ev := range evs {
		if ev.Type != flows.EventLanguageChanged {
			return false
		}
	}
	return true
}

// handleEvents passes a step's events to the extensions' handlers, in
// order.
func (r *Runtime) handleEvents(ctx context.Context, tx *store.Tx, c store.Contact, channel string, evs []flows.Event) error {
	if r.Events == nil {
		return nil
	}
	for _, ev := range evs {
		if err := r.Events.HandleEvent(ctx, tx, c, channel, ev); err != nil {
			return fmt.Errorf("bot: handling %s: %w", ev.Type, err)
		}
	}
	return nil
}

// intercept runs the channel's interceptors, then the runtime's.
func (r *Runtime) intercept(ctx context.Context, ch Channel, t *Turn) (Verdict, error) {
	for _, list := range [][]Interceptor{ch.Interceptors, r.Interceptors} {
		for _, ic := range list {
			v, err := ic.Intercept(ctx, t)
			if err != nil || v.Handled {
				return v, err
			}
		}
	}
	return Verdict{}, nil
}

// stored answers a message seen before with the replies stored for it.
func (r *Runtime) stored(ctx context.Context, in Inbound, c store.Contact) (Outcome, error) {
	out := Outcome{Contact: c, Duplicate: true, Lang: locales.Lang(c.Lang)}
	_, msgs, err := r.Store.InboundByExternalID(ctx, in.Channel, in.ExternalID)
	if err != nil {
		return Outcome{}, err
	}
	for _, m := range msgs {
		out.Replies = append(out.Replies, flows.Reply{ID: "stored", Text: m.Body})
	}
	return out, nil
}

// describe is the inbound message as stored for staff to read: what was
// typed, or what was clicked written as the person would type it.
func (r *Runtime) describe(in Inbound, lang locales.Lang) string {
	switch {
	case in.Choice != "":
		return in.Choice
	case in.Word != "":
		if list, ok := flows.WordList(in.Word); ok {
			if kw := r.Engine.Catalog().Keyword(lang, list); kw != "" {
				return kw
			}
		}
		return in.Word
	case in.Flow != "":
		return "/" + in.Flow
	case in.Command != "":
		return strings.TrimSpace("/" + in.Command + " " + in.Arg)
	}
	return in.Text
}

func (r *Runtime) storeReplies(ctx context.Context, tx *store.Tx, contactID int64, inMsg store.Message, channel string, replies []flows.Reply) error {
	msgs := replyMessages(contactID, channel, replies)
	for i := range msgs {
		msgs[i].InReplyTo = inMsg.ID
	}
	return tx.InsertReplies(ctx, msgs)
}

// replyMessages are the replies as stored messages (InReplyTo not set).
func replyMessages(contactID int64, channel string, replies []flows.Reply) []store.Message {
	msgs := make([]store.Message, len(replies))
	for i, rep := range replies {
		msgs[i] = store.Message{ContactID: contactID, Direction: store.DirectionOut, Channel: channel, Body: rep.Text, Status: "reply"}
	}
	return msgs
}

// step runs the engine on in, the channel's defaults filled into the
// conversation's empty variables first. It does no I/O.
func (r *Runtime) step(conv flows.Conversation, in Inbound) (flows.Result, error) {
	for k, val := range in.Defaults {
		if conv.Vars == nil {
			conv.Vars = map[string]string{}
		}
		if conv.Vars[k] == "" {
			conv.Vars[k] = val
		}
	}
	return r.Engine.Step(conv, flows.Input{Text: in.Text, Choice: in.Choice, Word: in.Word, Flow: in.Flow, At: in.At})
}

// decode returns the saved conversation, or a new one in the contact's or
// the channel's language when state is nil.
func (r *Runtime) decode(c store.Contact, state []byte, in Inbound) flows.Conversation {
	var conv flows.Conversation
	if state == nil {
		if l, ok := r.Engine.Catalog().ParseLang(c.Lang); ok {
			conv.Lang = l
		} else if in.Lang != "" {
			conv.Lang = in.Lang
		}
		return conv
	}
	if err := flows.DecodeState(state, &conv); err != nil {
		// A state we cannot read must not lock the person out: start again.
		r.log().Warn("unreadable conversation state; starting again", "contact", c.ID, "err", err)
		conv = flows.Conversation{Lang: locales.Lang(c.Lang)}
	}
	// The contact's recorded language follows every switch the
	// conversation makes; it differs only when a linked contact switched
	// (store: a person shares one language), and then it wins.
	if l, ok := r.Engine.Catalog().ParseLang(c.Lang); ok && conv.Lang != l {
		conv.Lang = l
	}
	return conv
}

// View is what a channel may show about a conversation without stepping
// it: the language to answer in and what it asks now.
type View struct {
	// Lang is the conversation's language, else the contact's, else the
	// given fallback.
	Lang locales.Lang
	// Prompt is what the conversation waits for; empty before it starts.
	Prompt flows.Prompt
	// Started is false for a person with no conversation yet.
	Started bool
}

// View reads a conversation without locking or changing it: what a
// channel needs to decide how to show something (the language of a form).
// It never decides what is stored; Handle does.
func (r *Runtime) View(ctx context.Context, channel, address string, fallback locales.Lang) (View, error) {
	v := View{Lang: fallback}
	buf, err := r.Store.ConversationState(ctx, channel, address)
	if errors.Is(err, store.ErrNotFound) {
		return v, nil
	}
	if err != nil {
		return v, err
	}
	var conv flows.Conversation
	if flows.DecodeState(buf, &conv) != nil {
		return v, nil // Handle starts such a conversation again
	}
	if conv.Lang != "" {
		v.Lang = conv.Lang
	}
	v.Started = conv.State != ""
	v.Prompt = r.Engine.Prompt(conv)
	return v, nil
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
// channels that send one message per step. It is flows.JoinReplies, which
// lint budgets, so what lint measures is what is sent.
func JoinReplies(rs []flows.Reply) string { return flows.JoinReplies(rs) }
