package intake

import (
	"context"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Location words, for a resident who wants staff to see where a photo was
// taken: KEEP LOCATION (or its word in their language, typed during a
// report) keeps the location metadata (EXIF GPS …) of the photos sent from
// then on in that report; REMOVE LOCATION goes back to the default,
// removing it. The word is stored as the inbound message's status
// (store.StatusLocationKeep, store.StatusLocationRemove), in the message's
// transaction; the runtime reads the intake's latest word when it stores a
// photo (store.Tx.IntakeKeepLocation), so the choice lasts as long as the
// intake and a new report starts with location removed again. A photo
// already fetched has lost its location for good: the reply says so.
const (
	kwKeepLocation      = "kw.media.keep_location"
	kwRemoveLocation    = "kw.media.remove_location"
	MsgLocationKept     = "media.location.kept"
	MsgLocationRemoved  = "media.location.removed"
	MsgLocationNoIntake = "media.location.none"
)

// locationSwitch is the runtime interceptor of the location words.
type locationSwitch struct{ cat *locales.Catalog }

// Intercept implements bot.Interceptor. A message that is not a location
// word costs no query.
func (l locationSwitch) Intercept(ctx context.Context, t *bot.Turn) (bot.Verdict, error) {
	if l.cat == nil || !residentWords(t) {
		return bot.Verdict{}, nil
	}
	var status, msg string
	switch {
	case l.cat.AnyLangKeyword(kwKeepLocation, t.In.Text):
		status, msg = store.StatusLocationKeep, MsgLocationKept
	case l.cat.AnyLangKeyword(kwRemoveLocation, t.In.Text):
		status, msg = store.StatusLocationRemove, MsgLocationRemoved
	default:
		return bot.Verdict{}, nil
	}
	open, _, err := t.Tx.IntakeMedia(ctx, t.Contact.ID)
	if err != nil {
		return bot.Verdict{}, err
	}
	if !open {
		r, err := t.Reply(MsgLocationNoIntake, nil)
		return bot.Verdict{Handled: true, Replies: []flows.Reply{r}}, err
	}
	r, err := t.Reply(msg, nil)
	if err != nil {
		return bot.Verdict{}, err
	}
	// Photos sent with the word are the report's, stored after the
	// message (and so after the choice).
	return bot.Verdict{Handled: true, Replies: []flows.Reply{r}, Status: status, KeepMedia: t.MediaKept > 0}, nil
}
