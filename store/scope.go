package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// What belongs to a report. An intake conversation runs from the message
// that started it to the message that confirmed the report. The store
// records its start when the intake begins ([Tx.BeginIntake]); filing
// copies the range onto the report ([Tx.FinishIntake]); declining or
// cancelling deletes the range's messages ([Tx.EraseIntake]). Staff read a
// report's messages only through [Store.ReportTranscript], so they never
// see the contact's other reports, declined intakes or chatter.

// BeginIntake records the message being handled (the contact's newest
// inbound message) as the first of a new intake. An intake already open is
// replaced: the resident started over, and the abandoned answers belong to
// no report.
func (tx *Tx) BeginIntake(ctx context.Context, contactID int64) error {
	first, err := tx.latestInbound(ctx, contactID)
	if err != nil {
		return err
	}
	if first == 0 {
		return errors.New("store: BeginIntake: the contact has no inbound message")
	}
	if _, err := tx.exec(ctx, "UpsertIntakeSession", contactID, first, tx.time(tx.store.clock())); err != nil {
		return fmt.Errorf("store: begin intake: %w", err)
	}
	return nil
}

// FinishIntake closes the contact's open intake and returns its range: the
// first message and the message being handled, which confirms the report.
// ok is false when no intake was open (the range is then unknown).
func (tx *Tx) FinishIntake(ctx context.Context, contactID int64) (first, last int64, ok bool, err error) {
	first, ok, err = tx.intakeSession(ctx, contactID)
	if err != nil || !ok {
		return 0, 0, false, err
	}
	if last, err = tx.latestInbound(ctx, contactID); err != nil {
		return 0, 0, false, err
	}
	if _, err := tx.exec(ctx, "DeleteIntakeSession", contactID); err != nil {
		return 0, 0, false, fmt.Errorf("store: finish intake: %w", err)
	}
	return first, last, true, nil
}

// EraseIntake deletes the messages of the contact's open intake, both
// directions, from its first message up to the message being handled (the
// one that declined or cancelled, which holds no answer and which this
// step's replies refer to), and closes the intake. It returns how many
// messages it deleted; 0 without an open intake.
func (tx *Tx) EraseIntake(ctx context.Context, contactID int64) (int64, error) {
	first, ok, err := tx.intakeSession(ctx, contactID)
	if err != nil || !ok {
		return 0, err
	}
	current, err := tx.latestInbound(ctx, contactID)
	if err != nil {
		return 0, err
	}
	res, err := tx.exec(ctx, "DeleteMessagesRange", contactID, first, current)
	if err != nil {
		return 0, fmt.Errorf("store: erase intake: %w", err)
	}
	if _, err := tx.exec(ctx, "DeleteIntakeSession", contactID); err != nil {
		return 0, fmt.Errorf("store: erase intake: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// MarkAside records that the inbound message id was answered outside the
// conversation (by an interceptor: STATUS, HELP, STOP, DISCREET …). Such a
// message may come in the middle of an intake, and its reply may name the
// contact's other reports: a report's transcript leaves it and its replies
// out, and a dropped intake's erasure leaves them alone.
func (tx *Tx) MarkAside(ctx context.Context, id int64) error {
	if _, err := tx.exec(ctx, "MarkMessageAside", id); err != nil {
		return fmt.Errorf("store: mark message aside: %w", err)
	}
	return nil
}

func (tx *Tx) intakeSession(ctx context.Context, contactID int64) (first int64, ok bool, err error) {
	err = tx.queryRow(ctx, "IntakeSession", contactID).Scan(&first)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: intake session: %w", err)
	}
	return first, true, nil
}

func (tx *Tx) latestInbound(ctx context.Context, contactID int64) (int64, error) {
	var id int64
	if err := tx.queryRow(ctx, "LatestInbound", contactID).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: latest inbound message: %w", err)
	}
	return id, nil
}

// ReportTranscript returns the messages of the report's own intake
// conversation, oldest first: its inbound messages from the first to the
// one that confirmed it, and the replies to them. Messages answered outside
// the conversation ([Tx.MarkAside]: a STATUS sent in the middle of the
// intake names other reports) and outbound messages that reply to nothing
// (staff updates, held discreet texts) are not the report's. A report without a recorded
// range (filed before ranges were kept) yields no messages, never the
// contact's whole history.
func (s *Store) ReportTranscript(ctx context.Context, r Report) ([]Message, error) {
	if r.FirstMessageID == 0 || r.LastMessageID == 0 {
		return []Message{}, nil
	}
	msgs, err := s.messages(ctx, "ReportTranscript", r.ContactID, r.FirstMessageID, r.LastMessageID)
	if err != nil {
		return nil, fmt.Errorf("store: report transcript: %w", err)
	}
	return msgs, nil
}
