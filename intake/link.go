package intake

import (
	"context"
	"errors"
	"strings"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// One person across channels. LINK (or its word in the resident's
// language, in any state, on every channel; Discord's /link) answers with
// a one-time code (store.Tx.NewLinkCode); "LINK 123456" typed on another
// channel (or /link code:123456) links the two contacts into one person
// (store.Tx.RedeemLinkCode), who then shares language, discreet mode,
// reports (STATUS) and erasure. Both channels are told, each in its own
// language, naming only the kind of the other channel (SMS, Discord …),
// never its address. UNLINK (or /unlink) undoes it. Linking is never
// automatic: the person who types the code proves they control both.
//
// The code is never stored in clear: the inbound message and the reply
// are stored with it masked (bot.Verdict.Redact); only its keyed digest is
// kept, for ten minutes.

// Keyword and message ids of linking.
const (
	kwLink             = "kw.link.ask"
	kwUnlink           = "kw.link.unlink"
	MsgLinkCode        = "link.code"
	MsgLinkDone        = "link.done"
	MsgLinkDoneOther   = "link.done.other"
	MsgLinkInvalid     = "link.invalid"
	MsgLinkOwn         = "link.own"
	MsgLinkAlready     = "link.already"
	MsgLinkTooMany     = "link.too_many"
	MsgUnlinkDone      = "link.unlinked"
	MsgUnlinkDoneOther = "link.unlinked.other"
	MsgUnlinkNone      = "link.not_linked"
	// msgLinkKind + channel names a kind of channel ("link.kind.sms").
	msgLinkKind = "link.kind."
)

// Channel commands (Discord's /link and /unlink); CommandLink's argument
// is the code, or none to ask for one.
const (
	CommandLink   = "link"
	CommandUnlink = "unlink"
)

// LinkMessages lists the messages linking sends, for tests and lint.
var LinkMessages = []string{MsgLinkCode, MsgLinkDone, MsgLinkDoneOther, MsgLinkInvalid, MsgLinkOwn, MsgLinkAlready,
	MsgLinkTooMany, MsgUnlinkDone, MsgUnlinkDoneOther, MsgUnlinkNone}

// LinkKinds are the channels linking names ("link.kind.<channel>").
var LinkKinds = []string{"sms", "whatsapp", "discord", "web", "terminal"}

// maskedCode is how a code is stored in the messages (and shown to staff
// in a transcript).
const maskedCode = "••••••"

// linker is the runtime interceptor of LINK and UNLINK.
type linker struct{ svc *Service }

// Intercept implements bot.Interceptor. A message that is not a link word
// costs no query.
func (l linker) Intercept(ctx context.Context, t *bot.Turn) (bot.Verdict, error) {
	if l.svc == nil || t.Contact.Channel == store.ErasedChannel {
		return bot.Verdict{}, nil
	}
	switch {
	case t.In.Command == CommandLink:
		code := strings.TrimSpace(t.In.Arg)
		if code == "" {
			return l.newCode(ctx, t)
		}
		digits, ok := codeDigits(code)
		if !ok {
			return l.reply(t, MsgLinkInvalid, nil, code)
		}
		return l.redeem(ctx, t, digits, code)
	case t.In.Command == CommandUnlink:
		return l.unlink(ctx, t)
	case t.In.Command != "" || t.In.Choice != "" || t.In.Word != "" || t.In.Flow != "":
		return bot.Verdict{}, nil
	}
	if l.svc.cat.AnyLangKeyword(kwUnlink, t.In.Text) {
		return l.unlink(ctx, t)
	}
	if l.svc.cat.AnyLangKeyword(kwLink, t.In.Text) {
		return l.newCode(ctx, t)
	}
	rest, ok := l.stripLinkWord(t.Lang, t.In.Text)
	if !ok {
		return bot.Verdict{}, nil
	}
	digits, ok := codeDigits(rest)
	if !ok {
		return bot.Verdict{}, nil // "link …" that holds no code: the conversation's
	}
	return l.redeem(ctx, t, digits, rest)
}

// newCode answers LINK with a new code.
func (l linker) newCode(ctx context.Context, t *bot.Turn) (bot.Verdict, error) {
	code, _, err := t.Tx.NewLinkCode(ctx, t.Contact.ID)
	if err != nil {
		return bot.Verdict{}, err
	}
	return l.reply(t, MsgLinkCode, map[string]string{"code": code}, code)
}

// redeem links the contact with the one that asked for code (digits; typed
// is how it was written, masked in what is stored).
func (l linker) redeem(ctx context.Context, t *bot.Turn, digits, typed string) (bot.Verdict, error) {
	res, err := t.Tx.RedeemLinkCode(ctx, t.Contact.ID, digits)
	switch {
	case errors.Is(err, store.ErrLinkTooManyAttempts):
		return l.reply(t, MsgLinkTooMany, nil, typed, digits)
	case errors.Is(err, store.ErrLinkCodeInvalid):
		return l.reply(t, MsgLinkInvalid, nil, typed, digits)
	case errors.Is(err, store.ErrLinkCodeOwn):
		return l.reply(t, MsgLinkOwn, nil, typed, digits)
	case errors.Is(err, store.ErrLinkAlreadyLinked):
		return l.reply(t, MsgLinkAlready, nil, typed, digits)
	case err != nil:
		return bot.Verdict{}, err
	}
	other := res.Other
	v, err := l.reply(t, MsgLinkDone, map[string]string{"kind": l.kind(t.Lang, other.Channel)}, typed, digits)
	if err != nil {
		return bot.Verdict{}, err
	}
	// The other channel hears of it in its own language: if the code was
	// read off a phone that is not theirs, they can undo it at once.
	olang := l.langOf(other, t.Lang)
	body, err := l.svc.cat.Text(olang, MsgLinkDoneOther, map[string]string{"kind": l.kind(olang, t.Contact.Channel)})
	if err != nil {
		return bot.Verdict{}, err
	}
	if res.Discreet {
		// Discreet mode is now the person's: each newly discreet contact's
		// ledger records it with the text that told them.
		for _, id := range res.NewlyDiscreet {
			c := store.Consent{ContactID: id, Kind: store.ConsentDiscreet, Granted: true, Channel: t.In.Channel,
				TextID: MsgLinkDone, TextLang: string(t.Lang), TextVersion: store.TextVersion(v.Replies[0].Text)}
			if id == other.ID {
				c.Channel, c.TextID, c.TextLang, c.TextVersion = other.Channel, MsgLinkDoneOther, string(olang), store.TextVersion(body)
			}
			if err := t.Tx.RecordConsent(ctx, &c); err != nil {
				return bot.Verdict{}, err
			}
		}
	}
	if err := l.tell(ctx, t.Tx, other, olang, body); err != nil {
		return bot.Verdict{}, err
	}
	if err := l.record(ctx, t.Tx, t.Contact.ID, "link", "the resident linked their "+channelName(other.Channel)+" and "+channelName(t.Contact.Channel)+" contacts (code typed on "+channelName(t.Contact.Channel)+")"); err != nil {
		return bot.Verdict{}, err
	}
	return v, nil
}

// unlink answers UNLINK: the contact leaves its person; the others are told.
func (l linker) unlink(ctx context.Context, t *bot.Turn) (bot.Verdict, error) {
	// Recorded on the person's reports before they stop being shared.
	all, err := t.Tx.PersonContacts(ctx, t.Contact.ID)
	if err != nil {
		return bot.Verdict{}, err
	}
	if len(all) < 2 {
		return l.reply(t, MsgUnlinkNone, nil)
	}
	if err := l.record(ctx, t.Tx, t.Contact.ID, "unlink", "the resident unlinked their "+channelName(t.Contact.Channel)+" contact: reports stay with the contact that filed them"); err != nil {
		return bot.Verdict{}, err
	}
	others, err := t.Tx.Unlink(ctx, t.Contact.ID)
	if err != nil {
		return bot.Verdict{}, err
	}
	kinds := make([]string, 0, len(others))
	seen := map[string]bool{}
	for _, o := range others {
		if k := l.kind(t.Lang, o.Channel); !seen[k] {
			seen[k] = true
			kinds = append(kinds, k)
		}
		olang := l.langOf(o, t.Lang)
		body, err := l.svc.cat.Text(olang, MsgUnlinkDoneOther, map[string]string{"kind": l.kind(olang, t.Contact.Channel)})
		if err != nil {
			return bot.Verdict{}, err
		}
		if err := l.tell(ctx, t.Tx, o, olang, body); err != nil {
			return bot.Verdict{}, err
		}
	}
	return l.reply(t, MsgUnlinkDone, map[string]string{"kinds": strings.Join(kinds, ", ")})
}

// tell queues body for contact to (discreet mode applies as to a staff
// update). A channel this service does not send on is skipped: the
// contact reads nothing there anyway.
func (l linker) tell(ctx context.Context, tx *store.Tx, to store.Contact, lang locales.Lang, body string) error {
	if l.svc.ChannelOn != nil && !l.svc.ChannelOn(to.Channel) {
		return nil
	}
	body, err := l.svc.discreetBody(ctx, tx, to, lang, body)
	if err != nil {
		return err
	}
	_, err = tx.EnqueueOutbound(ctx, &store.Outbound{Channel: to.Channel, ContactID: to.ID, Address: to.Address, Body: body})
	return err
}

// record notes a link or unlink in the history of the person's reports
// (kinds of channel only), for the staff who read them, and audits it.
func (l linker) record(ctx context.Context, tx *store.Tx, contactID int64, kind, detail string) error {
	reports, err := tx.ReportsByPerson(ctx, contactID, 100)
	if err != nil {
		return err
	}
	for _, r := range reports {
		if err := tx.InsertReportEvent(ctx, &store.ReportEvent{ReportID: r.ID, Kind: kind, Detail: detail}); err != nil {
			return err
		}
	}
	return tx.InsertAudit(ctx, &store.AuditEntry{Action: "person." + kind, Detail: detail})
}

// reply renders id and masks secrets in what is stored.
func (l linker) reply(t *bot.Turn, id string, data map[string]string, secrets ...string) (bot.Verdict, error) {
	r, err := t.Reply(id, data)
	if err != nil {
		return bot.Verdict{}, err
	}
	v := bot.Verdict{Handled: true, Replies: []flows.Reply{r}}
	for _, s := range secrets {
		if s = strings.TrimSpace(s); s != "" {
			v.Redact = append(v.Redact, bot.Redaction{Secret: s, Mask: maskedCode})
		}
	}
	return v, nil
}

// kind names a channel in lang ("SMS", "Discord", "web chat" …).
func (l linker) kind(lang locales.Lang, channel string) string {
	if text, err := l.svc.cat.Text(lang, msgLinkKind+channel, nil); err == nil {
		return text
	}
	return channel
}

// langOf is the language to tell contact c in: theirs, else fallback.
func (l linker) langOf(c store.Contact, fallback locales.Lang) locales.Lang {
	if lang, ok := l.svc.cat.ParseLang(c.Lang); ok {
		return lang
	}
	return fallback
}

// stripLinkWord reports whether text starts with a link word of lang or
// English (any language's, as the erasure words), and returns the rest.
func (l linker) stripLinkWord(lang locales.Lang, text string) (string, bool) {
	folded := strings.TrimRight(locales.Fold(strings.TrimSpace(text)), ".!?。！？ ")
	if len(folded) > 60 {
		return "", false
	}
	best := -1
	for _, ll := range append([]locales.Lang{lang}, l.svc.cat.Langs()...) {
		for _, w := range l.svc.cat.Keywords(ll, kwLink) {
			if !strings.HasPrefix(folded, w) || len(w) <= best {
				continue
			}
			after := folded[len(w):]
			if after == "" || after[0] == ' ' || after[0] == ':' || after[0] == '#' || isCJK(w) || isCJK(after) {
				best = len(w)
			}
		}
	}
	if best < 0 {
		return "", false
	}
	return strings.TrimLeft(folded[best:], " :#："), true
}

// codeDigits reads a typed code: store.LinkCodeDigits digits, spaces or
// dashes between them allowed ("123 456"). Full-width digits count.
func codeDigits(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r == ' ' || r == '-' || r == '　':
		default:
			return "", false
		}
	}
	if b.Len() != store.LinkCodeDigits {
		return "", false
	}
	return b.String(), true
}
