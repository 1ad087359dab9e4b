package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Message directions.
const (
	// DirectionIn marks a message received from a contact.
	DirectionIn = "in"
	// DirectionOut marks a message sent to a contact.
	DirectionOut = "out"
)

// Message is one message received from or sent to a contact.
type Message struct {
	// ID is the store's id, set by InsertMessage.
	ID int64
	// ContactID is the contact the message was exchanged with.
	ContactID int64
	// Direction is DirectionIn or DirectionOut.
	Direction string
	// Channel is the transport, e.g. "sms" or "discord".
	Channel string
	// Body is the text. It is personal data: never log it.
	Body string
	// ExternalID is the provider's id (e.g. Twilio's MessageSid); empty if
	// none. Inbound messages are unique per (Channel, ExternalID).
	ExternalID string
	// InReplyTo is, for an outbound message, the id of the inbound message
	// it answers; 0 if none.
	InReplyTo int64
	// Status is the delivery status as last reported (free text, e.g.
	// "received", "queued", "delivered").
	Status string
	// CreatedAt is UTC, to the microsecond.
	CreatedAt time.Time
}

// scanMessage reads the columns id, contact_id, direction, channel, body,
// external_id, in_reply_to, status, created_at.
// The body is sealed at rest and opened here.
func scanMessage(k *Keys, row interface{ Scan(...any) error }) (Message, error) {
	var m Message
	var ext sql.NullString
	var reply sql.NullInt64
	err := row.Scan(&m.ID, &m.ContactID, &m.Direction, &m.Channel, &m.Body, &ext, &reply, &m.Status, timeDest{&m.CreatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, ErrNotFound
	}
	if err != nil {
		return Message{}, err
	}
	m.ExternalID = ext.String
	m.InReplyTo = reply.Int64
	if m.Body, err = k.openString(aadMessageBody, m.Body); err != nil {
		return Message{}, err
	}
	return m, nil
}

// aadMessageBody is the additional data of a sealed message body.
var aadMessageBody = sealedColumn("messages", "body")

// InsertMessage stores m and sets m.ID and m.CreatedAt (to now if it was
// zero, else to the given time in UTC, truncated to the microsecond). An
// inbound message whose non-empty (Channel, ExternalID) is already stored is
// not inserted again: InsertMessage returns ErrDuplicate, which is how a
// retried webhook is detected, and the transaction remains usable.
func (tx *Tx) InsertMessage(ctx context.Context, m *Message) error {
	if m.Direction != DirectionIn && m.Direction != DirectionOut {
		return fmt.Errorf("store: InsertMessage: direction must be %q or %q", DirectionIn, DirectionOut)
	}
	if m.Channel == "" {
		return errors.New("store: InsertMessage: channel must not be empty")
	}
	at, ext := tx.stampAndExternal(m)
	var reply sql.NullInt64
	if m.InReplyTo != 0 {
		reply = sql.NullInt64{Int64: m.InReplyTo, Valid: true}
	}
	var id int64
	k := tx.store.keys
	err := tx.queryRow(ctx, "InsertMessage",
		m.ContactID, m.Direction, m.Channel, k.sealString(aadMessageBody, m.Body), ext, reply, m.Status, tx.time(at), k.CurrentID()).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrDuplicate // ON CONFLICT DO NOTHING: the provider id is taken
	case IsUniqueViolation(err):
		return fmt.Errorf("%w: %w", ErrDuplicate, err)
	case err != nil:
		return fmt.Errorf("store: insert message: %w", err)
	}
	m.ID = id
	m.CreatedAt = at
	channel, dir := m.Channel, m.Direction
	tx.note(func(o Observer) { o.MessageStored(channel, dir) })
	return nil
}

// InboundByExternalID returns the inbound message stored under the
// provider id (channel, externalID) and the outbound replies stored for it,
// oldest first, so a retried webhook can be answered exactly as before. It
// returns ErrNotFound if there is no such inbound message; replies is empty
// (not an error) if none were stored.
func (s *Store) InboundByExternalID(ctx context.Context, channel, externalID string) (in Message, replies []Message, err error) {
	if externalID == "" {
		return Message{}, nil, ErrNotFound
	}
	in, err = scanMessage(s.keys, s.queryRow(ctx, "InboundByExternalID", channel, externalID))
	if errors.Is(err, ErrNotFound) {
		return Message{}, nil, ErrNotFound
	}
	if err != nil {
		return Message{}, nil, fmt.Errorf("store: inbound by external id: %w", err)
	}
	replies, err = s.messages(ctx, "RepliesTo", in.ID)
	if err != nil {
		return Message{}, nil, fmt.Errorf("store: replies to message: %w", err)
	}
	return in, replies, nil
}

// Transcript returns the contact's latest limit messages, oldest first; all
// of them if limit <= 0. A contact without messages yields an empty slice.
func (s *Store) Transcript(ctx context.Context, contactID int64, limit int) ([]Message, error) {
	n := int64(limit)
	if limit <= 0 {
		n = math.MaxInt64
	}
	msgs, err := s.messages(ctx, "Transcript", contactID, n)
	if err != nil {
		return nil, fmt.Errorf("store: transcript: %w", err)
	}
	return msgs, nil
}

// SetMessageStatus records a delivery status reported by the provider for
// the message(s) with this provider id on this channel, in either
// direction. It returns ErrNotFound if no message has that id.
func (s *Store) SetMessageStatus(ctx context.Context, channel, externalID, status string) error {
	if externalID == "" {
		return ErrNotFound
	}
	err := affectedOne(s.exec(ctx, "SetMessageStatus", channel, externalID, status))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: set message status: %w", err)
	}
	return err
}

// messages runs a named multi-row message query.
func (s *Store) messages(ctx context.Context, name string, args ...any) ([]Message, error) {
	rows, err := s.queryRows(ctx, name, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Message{}
	for rows.Next() {
		m, err := scanMessage(s.keys, rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// insertRepliesSQL is InsertReplies' statement for n messages: the
// InsertMessagesPrefix and one "($1, …, $9)" group a message.
func insertRepliesSQL(d Dialect, n int) string {
	const cols = 9
	var b strings.Builder
	b.WriteString(query(d, "InsertMessagesPrefix"))
	b.WriteByte('\n')
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteByte('(')
		for c := 1; c <= cols; c++ {
			if c > 1 {
				b.WriteString(", ")
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(i*cols + c))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// insertRepliesName names InsertReplies' statement for n messages among
// the prepared ones (stmts.go).
func insertRepliesName(n int) string { return "InsertReplies/" + strconv.Itoa(n) }

// InsertReplies stores outbound messages, all in one statement, and sets
// each one's CreatedAt; their IDs are not read back. They must all be
// outbound without provider ids: replies are not deduplicated (the inbound
// message they answer is).
func (tx *Tx) InsertReplies(ctx context.Context, msgs []Message) error {
	if len(msgs) == 0 {
		return nil
	}
	const cols = 9
	k := tx.store.keys
	args := make([]any, 0, cols*len(msgs))
	at := normTime(tx.store.clock())
	for i := range msgs {
		m := &msgs[i]
		if m.Direction != DirectionOut || m.ExternalID != "" || m.Channel == "" {
			return errors.New("store: InsertReplies: only outbound messages with a channel and no provider id")
		}
		if m.CreatedAt.IsZero() {
			m.CreatedAt = at
		}
		m.CreatedAt = normTime(m.CreatedAt)
		var reply sql.NullInt64
		if m.InReplyTo != 0 {
			reply = sql.NullInt64{Int64: m.InReplyTo, Valid: true}
		}
		args = append(args, m.ContactID, m.Direction, m.Channel, k.sealString(aadMessageBody, m.Body), sql.NullString{}, reply, m.Status, tx.time(m.CreatedAt), k.CurrentID())
	}
	var err error
	if st := tx.stmt(ctx, insertRepliesName(len(msgs))); st != nil {
		_, err = st.ExecContext(ctx, args...)
	} else {
		_, err = tx.tx.ExecContext(ctx, insertRepliesSQL(tx.store.dialect, len(msgs)), args...)
	}
	if err != nil {
		return fmt.Errorf("store: insert replies: %w", err)
	}
	for _, m := range msgs {
		channel := m.Channel
		tx.note(func(o Observer) { o.MessageStored(channel, DirectionOut) })
	}
	return nil
}

// stampAndExternal returns m's creation time (now if unset), normalised as
// stored, and its provider id as a nullable column: what every insert of
// an inbound or outbound message writes.
func (tx *Tx) stampAndExternal(m *Message) (time.Time, sql.NullString) {
	at := m.CreatedAt
	if at.IsZero() {
		at = tx.store.clock()
	}
	var ext sql.NullString
	if m.ExternalID != "" {
		ext = sql.NullString{String: m.ExternalID, Valid: true}
	}
	return normTime(at), ext
}
