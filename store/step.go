package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// RecordStep stores what one conversation step writes, in the runtime's
// transaction: the inbound message in (as InsertMessage, setting its ID
// and CreatedAt), the contact's new conversation state (as
// SaveConversation, at stateAt) and the replies to in (as InsertReplies,
// each one's InReplyTo set to in's id). It returns ErrDuplicate, having
// written nothing, when in's provider id was stored before.
//
// On Postgres it is one statement (RecordStepPostgres) instead of three
// round trips; on SQLite, in process, the three statements.
//
// The replies must be outbound, of in's contact and channel, without
// provider ids, and share one status.
func (tx *Tx) RecordStep(ctx context.Context, in *Message, state []byte, stateAt time.Time, replies []Message) error {
	if err := checkStep(in, replies); err != nil {
		return err
	}
	if tx.store.dialect != Postgres {
		if err := tx.InsertMessage(ctx, in); err != nil {
			return err
		}
		if err := tx.SaveConversation(ctx, in.ContactID, state, stateAt); err != nil {
			return err
		}
		for i := range replies {
			replies[i].InReplyTo = in.ID
		}
		return tx.InsertReplies(ctx, replies)
	}
	p := tx.newStep(in, state, stateAt, replies)
	var id int64
	err := tx.queryRow(ctx, "RecordStepPostgres", p.args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrDuplicate
	}
	return p.done(tx, id, err)
}

// RecordStepAtCommit is RecordStep for a step that is the transaction's
// last write. In [Store.InConversation] on Postgres its statement is not
// sent now but with the COMMIT, in one round trip, and its outcome is
// InTx's: InConversation returns an error wrapping ErrDuplicate, having
// written nothing at all (the transaction is rolled back), when in's
// provider id was stored before; in's ID and CreatedAt and the replies'
// InReplyTo and CreatedAt are set once it returns nil. A statement run
// after it in the transaction sends it first, alone, and a failure of it
// then ends the transaction. Elsewhere it is RecordStep.
func (tx *Tx) RecordStepAtCommit(ctx context.Context, in *Message, state []byte, stateAt time.Time, replies []Message) error {
	if tx.conn == nil {
		return tx.RecordStep(ctx, in, state, stateAt, replies)
	}
	if err := checkStep(in, replies); err != nil {
		return err
	}
	p := tx.newStep(in, state, stateAt, replies)
	tx.queue = append(tx.queue, queued{name: "RecordStepAtCommitPostgres", args: p.args, done: func(row scanner) error {
		var id int64
		err := row.Scan(&id)
		return p.done(tx, id, err)
	}})
	return nil
}

// checkStep checks RecordStep's arguments.
func checkStep(in *Message, replies []Message) error {
	if in.Direction != DirectionIn || in.Channel == "" {
		return errors.New("store: RecordStep: the message must be inbound, with a channel")
	}
	for i := range replies {
		r := &replies[i]
		if r.Direction != DirectionOut || r.ExternalID != "" || r.ContactID != in.ContactID || r.Channel != in.Channel || r.Status != replies[0].Status {
			return errors.New("store: RecordStep: replies must be outbound, of the message's contact and channel, without provider ids, with one status")
		}
	}
	return nil
}

// stepArgs is one step's statement on Postgres (RecordStepPostgres or
// RecordStepAtCommitPostgres, which take the same arguments) and what to
// set once it has run.
type stepArgs struct {
	args    []any
	in      *Message
	replies []Message
	at      time.Time
	replyAt time.Time
}

// newStep seals and encodes a step's arguments.
func (tx *Tx) newStep(in *Message, state []byte, stateAt time.Time, replies []Message) *stepArgs {
	k := tx.store.keys
	at, ext := tx.stampAndExternal(in)
	if state == nil {
		state = []byte{}
	}
	replyAt := normTime(tx.store.clock())
	bodies := make([]string, len(replies))
	status := ""
	for i := range replies {
		bodies[i] = k.sealString(aadMessageBody, replies[i].Body)
		status = replies[i].Status
	}
	args := []any{in.ContactID, in.Channel, k.sealString(aadMessageBody, in.Body), ext, in.Status, tx.time(at), k.CurrentID(),
		k.seal(aadConversationState, state), tx.time(stateAt), tx.time(replyAt), bodies, status}
	return &stepArgs{args: args, in: in, replies: replies, at: at, replyAt: replyAt}
}

// done takes the step's outcome: the inbound message's id, or the
// statement's error (a unique violation: the provider id was stored
// before).
func (p *stepArgs) done(tx *Tx, id int64, err error) error {
	switch {
	case IsUniqueViolation(err):
		return fmt.Errorf("%w: %w", ErrDuplicate, err)
	case err != nil:
		return fmt.Errorf("store: record step: %w", err)
	}
	in, replies := p.in, p.replies
	in.ID, in.CreatedAt = id, p.at
	channel := in.Channel
	tx.note(func(o Observer) { o.MessageStored(channel, DirectionIn) })
	for i := range replies {
		replies[i].InReplyTo, replies[i].CreatedAt = id, p.replyAt
		tx.note(func(o Observer) { o.MessageStored(channel, DirectionOut) })
	}
	return nil
}
