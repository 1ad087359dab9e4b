package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Contact is a person reachable at one address on one channel.
type Contact struct {
	// ID is the store's id for the contact.
	ID int64
	// Channel is the transport, e.g. "sms" or "discord".
	Channel string
	// Address identifies the person on Channel: a phone number, a user id.
	// It is personal data: never log it.
	Address string
	// Lang is the contact's chosen language tag; empty until chosen.
	Lang string
	// OptedOut is true once the contact asked not to be messaged.
	OptedOut bool
	// CreatedAt and UpdatedAt are UTC, to the microsecond.
	CreatedAt, UpdatedAt time.Time
}

// scanContact reads the columns id, channel, address, lang, opted_out,
// created_at, updated_at.
// The address is sealed at rest and opened here.
func scanContact(k *Keys, row interface{ Scan(...any) error }) (Contact, error) {
	var c Contact
	err := row.Scan(&c.ID, &c.Channel, &c.Address, &c.Lang, &c.OptedOut,
		timeDest{&c.CreatedAt}, timeDest{&c.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return Contact{}, ErrNotFound
	}
	if err != nil {
		return Contact{}, err
	}
	c.Address, err = k.openString(aadContactAddress, c.Address)
	return c, err
}

// aadContactAddress is the additional data of a sealed contact address.
var aadContactAddress = sealedColumn("contacts", "address")

// addressIndex is the keyed index a contact is looked up by.
func (k *Keys) addressIndex(channel, address string) string {
	return k.Index("contact", channel, address)
}

// ContactForUpdate finds or creates the contact (channel, address) and
// holds it until the transaction ends, so no other transaction handles the
// same contact meanwhile. On Postgres the contact's row is locked (SELECT …
// FOR UPDATE, after INSERT … ON CONFLICT DO NOTHING if it was missing); on
// SQLite the IMMEDIATE transaction already holds the database's write lock.
func (tx *Tx) ContactForUpdate(ctx context.Context, channel, address string) (Contact, error) {
	if channel == "" || address == "" {
		return Contact{}, errors.New("store: ContactForUpdate: channel and address must not be empty")
	}
	// Look first: the contact usually exists, and on Postgres an INSERT
	// that hits the conflict still consumes an identity value.
	k := tx.store.keys
	idx := k.addressIndex(channel, address)
	c, err := scanContact(k, tx.queryRow(ctx, "ContactForUpdate", channel, idx))
	if err == nil {
		return c, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return Contact{}, fmt.Errorf("store: lock contact: %w", err)
	}
	// During an index-key rotation the contact may still be indexed under
	// an older key: found (and locked) that way, it is re-indexed now. If
	// the rotation re-indexed it meanwhile, the insert below finds it.
	for _, old := range k.olderIndexes("contact", channel, address) {
		c, err := scanContact(k, tx.queryRow(ctx, "ContactForUpdate", channel, old))
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return Contact{}, fmt.Errorf("store: lock contact: %w", err)
		}
		if _, err := tx.exec(ctx, "ReindexContact", c.ID, idx, k.IndexID()); err != nil {
			return Contact{}, fmt.Errorf("store: re-index contact: %w", err)
		}
		return c, nil
	}
	// A concurrent transaction may be creating the same contact; the
	// INSERT then waits for it and does nothing, and the SELECT below sees
	// and locks its row.
	res, err := tx.exec(ctx, "InsertContactIfAbsent", channel, k.sealString(aadContactAddress, address), idx, k.CurrentID(), tx.time(tx.store.clock()), k.IndexID())
	if err != nil {
		return Contact{}, fmt.Errorf("store: create contact: %w", err)
	}
	created, _ := res.RowsAffected()
	c, err = scanContact(k, tx.queryRow(ctx, "ContactForUpdate", channel, idx))
	if err != nil {
		return Contact{}, fmt.Errorf("store: lock contact: %w", err)
	}
	if created == 1 {
		// The retention purge may have deleted an opted-out contact of
		// this address and kept only its keyed index: it stays opted out.
		spent := int64(0)
		for _, h := range append([]string{idx}, k.olderIndexes("contact", channel, address)...) {
			sup, err := tx.exec(ctx, "ConsumeSuppression", channel, h)
			if err != nil {
				return Contact{}, fmt.Errorf("store: create contact: %w", err)
			}
			n, _ := sup.RowsAffected()
			spent += n
		}
		if spent > 0 {
			if _, err := tx.exec(ctx, "OptOutContact", c.ID); err != nil {
				return Contact{}, fmt.Errorf("store: create contact: %w", err)
			}
			c.OptedOut = true
		}
	}
	return c, nil
}

// SetContactLang records the contact's language, and that of every contact
// linked with it (link.go: a person shares one language). It returns
// ErrNotFound if there is no such contact.
func (tx *Tx) SetContactLang(ctx context.Context, contactID int64, lang string) error {
	err := affectedOne(tx.exec(ctx, "SetPersonLang", contactID, lang, tx.time(tx.store.clock())))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: set contact language: %w", err)
	}
	return err
}

// SetContactLangAtCommit is SetContactLang for InConversation's
// transaction, after [Tx.RecordStepAtCommit]: on Postgres the update is
// sent with the COMMIT, in the same round trip (a statement run after it
// sends it first); elsewhere it is SetContactLang. The contact must be the
// one InConversation locked.
func (tx *Tx) SetContactLangAtCommit(ctx context.Context, contactID int64, lang string) error {
	if tx.conn == nil {
		return tx.SetContactLang(ctx, contactID, lang)
	}
	tx.queue = append(tx.queue, queued{name: "SetPersonLang", args: []any{contactID, lang, tx.time(tx.store.clock())}, done: func(row scanner) error {
		// An UPDATE returns no row; only a failure is an error.
		if err := row.Scan(); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("store: set contact language: %w", err)
		}
		return nil
	}})
	return nil
}

// SetContactOptedOut records whether the contact opted out of messages. It
// returns ErrNotFound if there is no such contact.
func (tx *Tx) SetContactOptedOut(ctx context.Context, contactID int64, optedOut bool) error {
	err := affectedOne(tx.exec(ctx, "SetContactOptedOut", contactID, optedOut, tx.time(tx.store.clock())))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: set contact opt-out: %w", err)
	}
	return err
}

// ContactByID returns the contact with the given id, or ErrNotFound.
func (s *Store) ContactByID(ctx context.Context, id int64) (Contact, error) {
	c, err := scanContact(s.keys, s.queryRow(ctx, "ContactByID", id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Contact{}, fmt.Errorf("store: contact by id: %w", err)
	}
	return c, err
}

// ContactByAddress returns the contact (channel, address), or ErrNotFound.
// Unlike [Tx.ContactForUpdate] it neither creates nor locks.
func (s *Store) ContactByAddress(ctx context.Context, channel, address string) (Contact, error) {
	var c Contact
	err := ErrNotFound
	for _, h := range s.keys.lookupIndexes("contact", channel, address) {
		if c, err = scanContact(s.keys, s.queryRow(ctx, "ContactByAddress", channel, h)); !errors.Is(err, ErrNotFound) {
			break
		}
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Contact{}, fmt.Errorf("store: contact by address: %w", err)
	}
	return c, err
}
