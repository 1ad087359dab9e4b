package intake

import (
	"context"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Erasure by the resident: DELETE (or its word in their language, in any
// state, on every channel) asks for one confirmation; YES as the very next
// message erases their messages and personal data (store.Tx.ErasePerson)
// and says so. Anything else as the next message cancels the request.

// Message and keyword ids of the erasure words.
const (
	kwErase          = "kw.privacy.erase"
	kwYes            = "kw.yes"
	MsgEraseConfirm  = "privacy.erase.confirm"
	MsgEraseDone     = "privacy.erase.done"
	auditEraseAction = "person.erase"
)

// eraser is the runtime interceptor of the erasure words.
type eraser struct{ cat *locales.Catalog }

// Intercept implements bot.Interceptor. A message that is neither an
// erasure word nor a yes costs no query.
func (e eraser) Intercept(ctx context.Context, t *bot.Turn) (bot.Verdict, error) {
	if e.cat == nil || !residentWords(t) {
		return bot.Verdict{}, nil
	}
	text := t.In.Text
	if e.cat.AnyLangKeyword(kwErase, text) {
		if err := t.Tx.RequestErasure(ctx, t.Contact.ID); err != nil {
			return bot.Verdict{}, err
		}
		return e.reply(t, MsgEraseConfirm)
	}
	if !e.cat.AnyLangKeyword(kwYes, text) {
		return bot.Verdict{}, nil
	}
	pending, err := t.Tx.ErasurePending(ctx, t.Contact.ID)
	if err != nil || !pending {
		return bot.Verdict{}, err
	}
	current, err := latestInbound(ctx, t)
	if err != nil {
		return bot.Verdict{}, err
	}
	res, err := t.Tx.ErasePerson(ctx, t.Contact.ID, current)
	if err != nil {
		return bot.Verdict{}, err
	}
	if err := t.Tx.InsertAudit(ctx, &store.AuditEntry{Action: auditEraseAction, Detail: "asked by the resident on " + t.Contact.Channel + ": " + res.String()}); err != nil {
		return bot.Verdict{}, err
	}
	return e.reply(t, MsgEraseDone)
}

// latestInbound is the id of the message being handled.
func latestInbound(ctx context.Context, t *bot.Turn) (int64, error) {
	msgs, err := t.Tx.LatestInboundID(ctx, t.Contact.ID)
	return msgs, err
}

func (e eraser) reply(t *bot.Turn, id string) (bot.Verdict, error) {
	r, err := t.Reply(id, nil)
	if err != nil {
		return bot.Verdict{}, err
	}
	return bot.Verdict{Handled: true, Replies: []flows.Reply{r}}, nil
}

// residentWords reports whether t is a message a word interceptor reads:
// text the person sent (not a command a channel started) on a contact
// that is not erased. The words themselves are looked up with
// locales.Catalog.AnyLangKeyword: a resident may use their own language's
// word whatever the conversation's. Accents are not folded (locales.Fold):
// a list carries each spelling it accepts, with and without accents.
func residentWords(t *bot.Turn) bool {
	return t.In.Command == "" && t.Contact.Channel != store.ErasedChannel
}
