package twilio

import (
	"context"
	"strings"
	"unicode"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/store"
)

// keyword is what a single-word message means to the channel before the
// conversation engine sees it.
type keyword int

const (
	kwNone keyword = iota
	kwStop
	kwStart
	// kwYes opts back in only when the contact opted out; otherwise "yes"
	// is an answer for the conversation.
	kwYes
	kwHelp
)

// keywords are the words US carriers and Twilio's opt-out handling act on.
// They are matched in English in every language, as Twilio does, so what
// we record always agrees with what Twilio blocks.
var keywords = map[string]keyword{
	"stop": kwStop, "stopall": kwStop, "unsubscribe": kwStop, "cancel": kwStop,
	"end": kwStop, "quit": kwStop, "revoke": kwStop, "optout": kwStop,
	"start": kwStart, "unstop": kwStart,
	"yes":  kwYes,
	"help": kwHelp, "info": kwHelp,
}

// IsStop reports whether text is an opt-out keyword (STOP and its
// synonyms).
func IsStop(text string) bool { return classify(text) == kwStop }

// classify returns the keyword a message is, if it is one word and that
// word (in any case, with surrounding spaces or trailing punctuation such
// as "Stop." or "STOP!") is a keyword.
func classify(text string) keyword {
	w := strings.TrimSpace(text)
	w = strings.TrimRightFunc(w, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	if w == "" || len(w) > 16 || strings.ContainsFunc(w, unicode.IsSpace) {
		return kwNone
	}
	return keywords[strings.ToLower(w)]
}

// Words are the channel words of a Twilio messaging channel (SMS,
// WhatsApp): the opt-out keywords, HELP, the per-sender rate limit, the
// answer to an empty or media-only message, and the opted-out gate.
type Words struct {
	// Channel names the channel in the consent ledger.
	Channel string
	// AdvancedOptOut, when true, leaves the replies to STOP, START and
	// HELP to Twilio's Advanced Opt-Out (configured on the Messaging
	// Service); the keywords are still recorded and honoured here.
	AdvancedOptOut bool
	// RateLimit is the per-sender limit, counted in the store and shared
	// by every instance (Name, Max and Window).
	RateLimit store.Limit
}

// Interceptors are the words in the order that matters. The opt-out
// keywords always work, even for a sender over the rate limit; an
// opted-out contact gets nothing but the answer to START; only then does
// the conversation engine run. All of them run inside the runtime's one
// transaction, under its lock on the contact, so a STOP committed a moment
// earlier is always seen.
func (h Words) Interceptors() []bot.Interceptor {
	return []bot.Interceptor{
		bot.InterceptorFunc(h.keyword),
		bot.InterceptorFunc(h.rateLimit),
		bot.InterceptorFunc(empty),
		bot.InterceptorFunc(optedOut),
	}
}

// keyword answers STOP, START, YES (for a contact who opted out) and HELP.
func (h Words) keyword(ctx context.Context, t *bot.Turn) (bot.Verdict, error) {
	c := t.Contact
	switch classify(t.In.Text) {
	case kwStop:
		if c.OptedOut {
			return bot.Verdict{Handled: true}, nil // confirmed once already
		}
		return h.setOptedOut(ctx, t, true, "sms.stopped")
	case kwStart:
		if !c.OptedOut {
			return h.keywordReply(t, "sms.started")
		}
		return h.setOptedOut(ctx, t, false, "sms.started")
	case kwYes:
		if !c.OptedOut {
			return bot.Verdict{}, nil // an answer to a question: the engine's
		}
		return h.setOptedOut(ctx, t, false, "sms.started")
	case kwHelp:
		if c.OptedOut {
			return bot.Verdict{Handled: true}, nil
		}
		return reply(t, "sms.help", "")
	}
	return bot.Verdict{}, nil
}

// setOptedOut stops (out) or restarts texts to the contact, records the
// change in the consent ledger with the exact confirmation text, and
// answers it. Under Twilio's Advanced Opt-Out Twilio sends the
// confirmation, so the ledger names Twilio's text instead of ours.
func (h Words) setOptedOut(ctx context.Context, t *bot.Turn, out bool, id string) (bot.Verdict, error) {
	if err := t.Tx.SetContactOptedOut(ctx, t.Contact.ID, out); err != nil {
		return bot.Verdict{}, err
	}
	rep, err := t.Reply(id, nil)
	if err != nil {
		return bot.Verdict{}, err
	}
	shown, version := id, store.TextVersion(rep.Text)
	if h.AdvancedOptOut {
		shown, version = "twilio.advanced_opt_out", "twilio"
	}
	if err := t.Tx.RecordConsent(ctx, &store.Consent{ContactID: t.Contact.ID, Kind: store.ConsentTexts, Granted: !out,
		Channel: h.Channel, TextID: shown, TextLang: string(t.Lang), TextVersion: version}); err != nil {
		return bot.Verdict{}, err
	}
	if h.AdvancedOptOut {
		return bot.Verdict{Handled: true}, nil
	}
	return bot.Verdict{Handled: true, Replies: []flows.Reply{rep}}, nil
}

// keywordReply answers id unless Twilio's Advanced Opt-Out answers the
// keywords itself.
func (h Words) keywordReply(t *bot.Turn, id string) (bot.Verdict, error) {
	if h.AdvancedOptOut {
		return bot.Verdict{Handled: true}, nil
	}
	return reply(t, id, "")
}

// empty answers an SMS with no text, or only photos: kept during a report
// (bot.Turn.MediaOnly), otherwise not, and the resident is told why.
func empty(_ context.Context, t *bot.Turn) (bot.Verdict, error) {
	if strings.TrimSpace(t.In.Text) != "" {
		return bot.Verdict{}, nil
	}
	if t.Contact.OptedOut {
		return bot.Verdict{Handled: true}, nil
	}
	if t.In.MediaCount() > 0 {
		return t.MediaOnly()
	}
	return reply(t, "sms.empty", "")
}

// optedOut answers nothing to a contact who opted out: the message is
// stored and no step runs.
func optedOut(_ context.Context, t *bot.Turn) (bot.Verdict, error) {
	return bot.Verdict{Handled: t.Contact.OptedOut}, nil
}

func reply(t *bot.Turn, id, status string) (bot.Verdict, error) {
	rep, err := t.Reply(id, nil)
	if err != nil {
		return bot.Verdict{}, err
	}
	return bot.Verdict{Handled: true, Replies: []flows.Reply{rep}, Status: status}, nil
}
