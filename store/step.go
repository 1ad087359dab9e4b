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
	if in.Direction != DirectionIn || in.Channel == "" {
		return errors.New("store: RecordStep: the message must be inbound, with a channel")
	}
	for i := range replies {
		r := &replies[i]
		if r.Direction != DirectionOut || r.ExternalID != "" || r.ContactID != in.ContactID || r.Channel != in.Channel || r.Status != replies[0].Status {
			return errors.New("store: RecordStep: replies must be outbound, of the message's contact and channel, without provider ids, with one status")
		}
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
	var id int64
	err := tx.queryRow(ctx, "RecordStepPostgres",
		in.ContactID, in.Channel, k.sealString(aadMessageBody, in.Body), ext, in.Status, tx.time(at), k.CurrentID(),
		k.seal(aadConversationState, state), tx.time(stateAt), tx.time(replyAt), bodies, status).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrDuplicate
	case IsUniqueViolation(err):
		return fmt.Errorf("%w: %w", ErrDuplicate, err)
	case err != nil:
		return fmt.Errorf("store: record step: %w", err)
	}
	in.ID, in.CreatedAt = id, at
	channel := in.Channel
	tx.note(func(o Observer) { o.MessageStored(channel, DirectionIn) })
	for i := range replies {
		replies[i].InReplyTo, replies[i].CreatedAt = id, replyAt
		tx.note(func(o Observer) { o.MessageStored(channel, DirectionOut) })
	}
	return nil
}
