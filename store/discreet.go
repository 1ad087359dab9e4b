package store

import (
	"context"
	"fmt"
)

// Discreet mode: a contact who asked for it gets neutral staff updates
// and reminders; the real text is kept as a held outbound message
// (status StatusHeld) and shown when the resident sends STATUS.

// StatusHeld is the status of an outbound message kept back from a
// discreet contact until they ask to read it; StatusRead once shown.
const (
	StatusHeld = "held"
	StatusRead = "read"
)

// SetContactDiscreet turns discreet mode on or off for a contact and every
// contact linked with it (link.go). Record the choice in the ledger too
// ([Tx.RecordConsent], ConsentDiscreet).
func (tx *Tx) SetContactDiscreet(ctx context.Context, contactID int64, on bool) error {
	if err := affectedOne(tx.exec(ctx, "SetPersonDiscreet", contactID, on, tx.time(tx.store.clock()))); err != nil {
		return fmt.Errorf("store: set contact discreet: %w", err)
	}
	return nil
}

// ContactDiscreet reports whether the contact is in discreet mode.
func (tx *Tx) ContactDiscreet(ctx context.Context, contactID int64) (bool, error) {
	var on bool
	if err := tx.queryRow(ctx, "ContactDiscreet", contactID).Scan(&on); err != nil {
		return false, fmt.Errorf("store: contact discreet: %w", err)
	}
	return on, nil
}

// HoldMessage stores body as an outbound message to the contact that is
// kept back (status StatusHeld) until [Tx.ReleaseHeldMessages].
func (tx *Tx) HoldMessage(ctx context.Context, contactID int64, channel, body string) error {
	return tx.InsertMessage(ctx, &Message{ContactID: contactID, Direction: DirectionOut, Channel: channel, Body: body, Status: StatusHeld})
}

// ReleaseHeldMessages returns the held messages of the contact and of
// every contact linked with it, oldest first, and marks them read.
func (tx *Tx) ReleaseHeldMessages(ctx context.Context, contactID int64) ([]Message, error) {
	rows, err := tx.tx.QueryContext(ctx, query(tx.store.dialect, "HeldMessages"), contactID)
	if err != nil {
		return nil, fmt.Errorf("store: held messages: %w", err)
	}
	var out []Message
	for rows.Next() {
		m, err := scanMessage(tx.store.keys, rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: held messages: %w", err)
		}
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: held messages: %w", err)
	}
	if len(out) > 0 {
		if _, err := tx.exec(ctx, "ReleaseHeldMessages", contactID); err != nil {
			return nil, fmt.Errorf("store: release held messages: %w", err)
		}
	}
	return out, nil
}
