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
	if state, err = tx.store.keys.open(aadConversationState, state); err != nil {
		return nil, err
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
	k := tx.store.keys
	if _, err := tx.exec(ctx, "SaveConversation", contactID, k.seal(aadConversationState, state), tx.time(at), k.CurrentID()); err != nil {
		return fmt.Errorf("store: save conversation: %w", err)
	}
	return nil
}

// ConversationForUpdate is ContactForUpdate and LoadConversation, for the
// runtime's per-message transaction: it finds or creates the contact, holds
// it (and its conversation) until the transaction ends, and returns its
// saved conversation state, nil when it has none. A contact with a
// conversation, the usual case, costs one round trip.
func (tx *Tx) ConversationForUpdate(ctx context.Context, channel, address string) (Contact, []byte, error) {
	if channel == "" || address == "" {
		return Contact{}, nil, errors.New("store: ConversationForUpdate: channel and address must not be empty")
	}
	k := tx.store.keys
	c, state, err := scanContactState(k, tx.queryRow(ctx, "ContactConversationForUpdate", channel, k.addressIndex(channel, address)))
	if err == nil {
		if state == nil {
			state = []byte{}
		}
		return c, state, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return Contact{}, nil, fmt.Errorf("store: lock contact: %w", err)
	}
	return tx.conversationSlow(ctx, channel, address)
}

// conversationSlow is ConversationForUpdate for a new contact, or one
// without a conversation yet: it locks (or creates) the contact first,
// then reads the conversation in a statement of its own, which sees
// whatever a transaction that held the lock saved.
func (tx *Tx) conversationSlow(ctx context.Context, channel, address string) (Contact, []byte, error) {
	c, err := tx.ContactForUpdate(ctx, channel, address)
	if err != nil {
		return Contact{}, nil, err
	}
	state, err := tx.LoadConversation(ctx, c.ID)
	if errors.Is(err, ErrNotFound) {
		return c, nil, nil
	}
	return c, state, err
}

func scanContactState(k *Keys, row interface{ Scan(...any) error }) (Contact, []byte, error) {
	var c Contact
	var state []byte
	err := row.Scan(&c.ID, &c.Channel, &c.Address, &c.Lang, &c.OptedOut,
		timeDest{&c.CreatedAt}, timeDest{&c.UpdatedAt}, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return Contact{}, nil, ErrNotFound
	}
	if err != nil {
		return Contact{}, nil, err
	}
	if c.Address, err = k.openString(aadContactAddress, c.Address); err != nil {
		return Contact{}, nil, err
	}
	state, err = k.open(aadConversationState, state)
	return c, state, err
}

// aadConversationState is the additional data of a sealed conversation.
var aadConversationState = sealedColumn("conversations", "state")
