package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// LoadConversation returns the saved conversation state of the contact, or
// ErrNotFound if none was saved yet. The state is opaque to the store (the
// engine stores JSON); it is returned byte for byte as saved.
func (tx *Tx) LoadConversation(ctx context.Context, contactID int64) (state []byte, err error) {
	err = tx.queryRow(ctx, "LoadConversation", contactID).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: load conversation: %w", err)
	}
	if state == nil {
		state = []byte{} // an empty state was saved; don't confuse it with "none"
	}
	return state, nil
}

// SaveConversation stores state as the contact's conversation, creating the
// row with version 1 or replacing it and incrementing its version. at is
// recorded as the update time (UTC, to the microsecond).
func (tx *Tx) SaveConversation(ctx context.Context, contactID int64, state []byte, at time.Time) error {
	if state == nil {
		state = []byte{}
	}
	if _, err := tx.exec(ctx, "SaveConversation", contactID, state, tx.time(at)); err != nil {
		return fmt.Errorf("store: save conversation: %w", err)
	}
	return nil
}
