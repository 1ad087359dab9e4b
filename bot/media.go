package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/store"
)

// Media is one attachment a person sent with a message (an MMS photo, a
// Discord attachment): where the channel says it can be fetched and the
// type the provider claims for it. The claim is never trusted: the media
// pipeline (intake/media) sniffs the type from the bytes it fetches.
//
// URL is personal data (it reaches the person's photo with the account's
// credentials): it is stored sealed, never logged.
type Media struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type,omitempty"`
}

// MaxMedia is the most attachments one inbound message may carry: Twilio's
// own limit for an MMS (and a WhatsApp message), and what a Discord
// message allows.
const MaxMedia = 10

// MediaCount is how many attachments the message carries.
func (in Inbound) MediaCount() int { return len(in.Media) }

// mediaPlan is what the runtime does with a message's media: how many
// are kept with the report in progress, and whether the conversation is
// told how many it holds.
type mediaPlan struct {
	sent    int  // len(in.Media)
	keep    int  // how many are kept
	count   int  // attachments the report holds before this message
	counted bool // the conversation is in a media flow: tell it count
}

// mediaPlan decides, before anything is written, what happens to in's
// media. Attachments are kept only while a report is in progress (an
// intake is open: store.Tx.IntakeMedia), or when the message starts one
// (/report with an attachment), up to MaxMediaPerReport per report.
// Anything else is never fetched: the resident is told that files are
// kept only with a report (mediaNote).
func (r *Runtime) mediaPlan(ctx context.Context, tx *store.Tx, contactID int64, conv flows.Conversation, in Inbound) (mediaPlan, error) {
	p := mediaPlan{sent: len(in.Media)}
	inFlow := slices.ContainsFunc(r.MediaFlows, func(f string) bool { return strings.HasPrefix(conv.State, f+".") })
	if p.sent == 0 && !inFlow {
		return p, nil
	}
	open, count, err := tx.IntakeMedia(ctx, contactID)
	if err != nil {
		return p, err
	}
	p.count, p.counted = count, inFlow && (count > 0 || conv.Vars[flows.VarMediaCount] != "")
	if p.sent > 0 && (open || slices.Contains(r.MediaFlows, in.Flow)) {
		p.keep = max(0, min(p.sent, r.maxMedia()-count))
	}
	return p, nil
}

func (r *Runtime) maxMedia() int {
	if r.MaxMediaPerReport > 0 {
		return r.MaxMediaPerReport
	}
	return DefaultMaxMediaPerReport
}

// Message IDs of the runtime's notes about media (locales/media.*.toml).
const (
	MsgMediaOutside  = "media.outside"
	MsgMediaTooMany  = "media.too_many"
	MsgMediaReceived = "media.received"
)

// MediaOnly is a channel's answer to a message that carries attachments
// and no text: during a report, "received" with how many the report now
// holds, the media kept and the message part of the report (KeepMedia);
// otherwise why they are not kept (outside a report, or over the limit).
func (t *Turn) MediaOnly() (Verdict, error) {
	if t.MediaKept > 0 {
		rep, err := t.Reply(MsgMediaReceived, map[string]string{"count": strconv.Itoa(t.media.count + t.MediaKept)})
		return Verdict{Handled: true, Replies: []flows.Reply{rep}, KeepMedia: true}, err
	}
	id, data := MsgMediaOutside, map[string]string(nil)
	if t.media.count >= t.maxMedia {
		id, data = MsgMediaTooMany, map[string]string{"max": strconv.Itoa(t.maxMedia)}
	}
	rep, err := t.Reply(id, data)
	return Verdict{Handled: true, Replies: []flows.Reply{rep}}, err
}

// mediaNote is the line said before the step's replies when some of the
// message's media are not kept: outside a report, or over the per-report
// limit.
func (r *Runtime) mediaNote(t *Turn, p mediaPlan) ([]flows.Reply, error) {
	switch {
	case p.sent == 0 || p.keep == p.sent:
		return nil, nil
	case p.keep == 0 && p.count < r.maxMedia():
		rep, err := t.Reply(MsgMediaOutside, nil)
		return []flows.Reply{rep}, err
	}
	rep, err := t.Reply(MsgMediaTooMany, map[string]string{"max": strconv.Itoa(r.maxMedia())})
	return []flows.Reply{rep}, err
}

// keepMedia stores the kept media of the inbound message msgID, in the
// step's transaction, for the media worker (bot/media) to fetch. Their
// location metadata is removed unless the resident asked, earlier in the
// intake or with this very message, to keep it (KEEP LOCATION:
// store.Tx.IntakeKeepLocation).
func (r *Runtime) keepMedia(ctx context.Context, tx *store.Tx, contactID, msgID int64, in Inbound, p mediaPlan) error {
	if p.keep == 0 {
		return nil
	}
	refs := make([]store.MediaRef, 0, p.keep)
	for _, m := range in.Media[:p.keep] {
		refs = append(refs, store.MediaRef{URL: m.URL, ClaimedType: m.ContentType})
	}
	keepLocation, err := tx.IntakeKeepLocation(ctx, contactID)
	if err != nil {
		return err
	}
	return tx.InsertMedia(ctx, contactID, msgID, in.Channel, refs, keepLocation)
}
