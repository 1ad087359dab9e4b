package twilio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/spool"
	"github.com/rightsline/rightsline/store"
)

// CommitTimeout bounds the runtime's work on one webhook when a spool is
// configured: a database that does not answer within it is treated as
// down and the message spooled, well inside the 15 s Twilio waits for an
// answer by default (the #rt= override, docs/sms.md).
const CommitTimeout = 8 * time.Second

// Spooler is a Twilio messaging channel's use of the inbound spool
// (bot/spool): the messages the database cannot take wait there, and are
// replayed through the runtime, their replies through the outbox, once it
// is back. SMS and WhatsApp share it (one spool, records named by
// channel).
type Spooler struct {
	Channel string
	Spool   *spool.Spool
	// OnSpool, if set, is told of each message spooled ("spooled"),
	// replayed ("replayed") or that could not be spooled ("failed").
	OnSpool func(stage string)
	Runtime *bot.Runtime
	Log     *slog.Logger
}

// On reports whether a spool is configured.
func (s *Spooler) On() bool { return s != nil && s.Spool != nil }

// Holds reports whether earlier messages of address wait in the spool:
// a new one must wait behind them, so their replies come in order.
func (s *Spooler) Holds(address string) bool { return s.On() && s.Spool.Holds(s.Channel, address) }

// CommitContext is the request's context, bounded by CommitTimeout when
// a spool can take over.
func (s *Spooler) CommitContext(r *http.Request) (context.Context, context.CancelFunc) {
	if !s.On() {
		return r.Context(), func() {}
	}
	return context.WithTimeout(r.Context(), CommitTimeout)
}

// Write spools a signed, well-formed message the database could not take
// (cause; nil when it waits behind the sender's spooled messages). It
// returns false when the spool cannot take it either: the webhook is then
// answered 500. Otherwise the webhook is answered with an empty TwiML
// response: the resident's language and conversation are in the database
// that is away, so a holding reply would be a guess, and the real reply
// follows through the outbox seconds after the database is back; a 500
// would leave the message to Twilio's retries, which by default are one
// retry of a connection failure only.
func (s *Spooler) Write(rec spool.Record, cause error) bool {
	rec.Channel = s.Channel
	if err := s.Spool.Write(rec); err != nil {
		s.stage("failed")
		s.Log.Error(s.Channel+": the database cannot take the message and the spool cannot either", "db_err", cause, "err", err)
		return false
	}
	s.stage("spooled")
	if cause != nil {
		s.Log.Warn(s.Channel+": database unavailable; message spooled, its reply will go through the outbox", "err", cause)
	} else {
		s.Log.Info(s.Channel + ": message spooled behind the sender's earlier ones")
	}
	return true
}

func (s *Spooler) stage(st string) {
	if s.OnSpool != nil {
		s.OnSpool(st)
	}
}

// Replay runs a spooled message through the runtime, as the webhook would
// have, and queues its replies in the outbox (the webhook was answered
// long ago). It is idempotent: the runtime answers a MessageSid seen
// before with the replies stored for it, and those are queued under a
// dedupe key, so a replay repeated after a crash sends nothing twice; a
// message the webhook committed after all (its commit was slow, not
// failed) gets its stored replies, which its TwiML never carried.
func (s *Spooler) Replay(ctx context.Context, r spool.Record) error {
	if r.Channel != s.Channel {
		return fmt.Errorf("%s: not a %s spool record", s.Channel, s.Channel)
	}
	out, err := s.Runtime.Handle(ctx, bot.Inbound{Channel: s.Channel, Address: r.Address, Text: r.Text, Media: r.Media, ExternalID: r.ExternalID, At: r.At})
	if err != nil {
		return err
	}
	replies := Replies(out, r.Text)
	if len(replies) == 0 {
		s.stage("replayed")
		return nil
	}
	err = s.Runtime.Store.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.EnqueueOutbound(ctx, &store.Outbound{
			Channel: s.Channel, ContactID: out.Contact.ID, Address: r.Address, Body: replies[0],
			DedupeKey: "reply:" + s.Channel + ":" + r.ExternalID,
		})
		if errors.Is(err, store.ErrDuplicate) {
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	s.stage("replayed")
	return nil
}
