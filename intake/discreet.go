package intake

import (
	"context"
	"strings"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Discreet mode, for a resident who shares a phone: DISCREET (or its word
// in their language, in any state, on every channel) turns it on, records
// the choice in the consent ledger and says so; NORMAL turns it off the
// same way. From then on a staff
// update is sent as the neutral MsgDiscreetNotice, which starts with no
// sensitive word (the lock-screen preview); the real text is held and
// shown when the resident sends STATUS.

// Message and keyword ids of discreet mode.
const (
	kwDiscreet        = "kw.privacy.discreet"
	kwNormal          = "kw.privacy.normal"
	MsgDiscreetOn     = "privacy.discreet.on"
	MsgDiscreetOff    = "privacy.discreet.off"
	MsgDiscreetNotice = "privacy.discreet.notice"
	// KwSensitive lists, per language, words no discreet-mode text may
	// start with; tests check every such text against it.
	KwSensitive = "kw.privacy.sensitive"
)

// discreetSwitch is the runtime interceptor of the discreet words: DISCREET
// turns discreet mode on; NORMAL (kw.privacy.normal) turns it off again,
// only while it is on (elsewhere "normal" may be an ordinary answer). Both
// are recorded in the consent ledger with the text shown.
type discreetSwitch struct{ cat *locales.Catalog }

// Intercept implements bot.Interceptor. A message that is not a discreet
// word costs no query.
func (d discreetSwitch) Intercept(ctx context.Context, t *bot.Turn) (bot.Verdict, error) {
	if d.cat == nil || !residentWords(t) {
		return bot.Verdict{}, nil
	}
	on, msg := true, MsgDiscreetOn
	switch {
	case d.cat.AnyLangKeyword(kwDiscreet, t.In.Text):
	case d.cat.AnyLangKeyword(kwNormal, t.In.Text):
		// Only a contact in discreet mode has it to turn off; for anyone
		// else the word goes on to the conversation.
		discreet, err := t.Tx.ContactDiscreet(ctx, t.Contact.ID)
		if err != nil || !discreet {
			return bot.Verdict{}, err
		}
		on, msg = false, MsgDiscreetOff
	default:
		return bot.Verdict{}, nil
	}
	r, err := t.Reply(msg, nil)
	if err != nil {
		return bot.Verdict{}, err
	}
	if err := t.Tx.SetContactDiscreet(ctx, t.Contact.ID, on); err != nil {
		return bot.Verdict{}, err
	}
	if err := t.Tx.RecordConsent(ctx, &store.Consent{ContactID: t.Contact.ID, Kind: store.ConsentDiscreet, Granted: on,
		Channel: t.In.Channel, TextID: msg, TextLang: string(t.Lang), TextVersion: store.TextVersion(r.Text)}); err != nil {
		return bot.Verdict{}, err
	}
	return bot.Verdict{Handled: true, Replies: []flows.Reply{r}}, nil
}

// discreetBody is what NotifyResident sends contact `to` for the update
// body: body itself, or, in discreet mode, the neutral notice in lang with
// body held for STATUS.
func (s *Service) discreetBody(ctx context.Context, tx *store.Tx, to store.Contact, lang locales.Lang, body string) (string, error) {
	on, err := tx.ContactDiscreet(ctx, to.ID)
	if err != nil || !on {
		return body, err
	}
	if _, ok := s.cat.ParseLang(string(lang)); !ok {
		lang = locales.English
	}
	if err := tx.HoldMessage(ctx, to.ID, to.Channel, body); err != nil {
		return "", err
	}
	return s.cat.Text(lang, MsgDiscreetNotice, nil)
}

// withHeld puts the contact's held messages (oldest first) before a STATUS
// reply and marks them read.
func withHeld(ctx context.Context, tx *store.Tx, contactID int64, reply string) (string, error) {
	held, err := tx.ReleaseHeldMessages(ctx, contactID)
	if err != nil || len(held) == 0 {
		return reply, err
	}
	parts := make([]string, 0, len(held)+1)
	for _, m := range held {
		parts = append(parts, m.Body)
	}
	return strings.Join(append(parts, reply), "\n"), nil
}
