package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Erasure. A resident's DELETE (confirmed) or an admin's erase action
// removes a person: every message, the conversation, queued messages,
// pending intake and consents not tied to a report, and their address. Their
// reports follow the rule per status:
//
//	new, in_review            withdrawn: closed, "withdrawn by the resident", narrative,
//	                          respondent name, contact phone, safe times, staff notes and
//	                          transcript erased; the link to the person removed
//	accepted, referred,       kept as the commission's case record (category, narrative,
//	closed                    respondent, dates, place, routing, notes, history); contact
//	                          phone, safe times, transcript and the link to the person erased,
//	                          contact method "none" (no update can reach them)
//
// Photos and documents (media.go) are deleted whatever the report's status.
//
// Reports keep no link to the person: they move to one shared contact,
// channel "erased", which identifies no one. Consents given for a report
// stay with it, without the person. The audit entry records counts only.

// ErasureResult counts what an erasure removed, never what it was.
type ErasureResult struct {
	Messages  int64 // messages deleted
	Withdrawn int   // open reports withdrawn
	Kept      int   // accepted, referred or closed reports kept without the person
	Outbox    int64 // queued messages deleted
	Media     int64 // photos and documents deleted (of every report too)
}

// String is the audit detail: counts only.
func (r ErasureResult) String() string {
	return fmt.Sprintf("%d messages, %d queued messages, %d photos or documents, %d reports withdrawn, %d reports kept without the person",
		r.Messages, r.Outbox, r.Media, r.Withdrawn, r.Kept)
}

// CloseReasonWithdrawn is the close reason of a report its resident erased.
const CloseReasonWithdrawn = "withdrawn by the resident"

// ErasedChannel is the channel of the contact erased reports belong to.
const ErasedChannel = "erased"

// eraseContact erases one contact in the transaction (see the rule above);
// [Tx.ErasePerson] (link.go) calls it for each of a person's contacts.
// keepMessageID is the message being handled when the resident asked from
// their phone: it is kept with its text blanked, and the contact row too,
// with a random address, so this step's reply can be stored; the person
// writing again is a new contact. 0 (an admin's erasure) deletes every
// message and the contact row.
func (tx *Tx) eraseContact(ctx context.Context, contactID, keepMessageID int64) (ErasureResult, error) {
	var res ErasureResult
	fail := func(err error) (ErasureResult, error) {
		return ErasureResult{}, fmt.Errorf("store: erase person: %w", err)
	}
	tomb, err := tx.ContactForUpdate(ctx, ErasedChannel, ErasedChannel)
	if err != nil {
		return fail(err)
	}
	if tomb.ID == contactID {
		return fail(errors.New("the erased-reports contact cannot be erased"))
	}
	at := tx.time(tx.store.clock())
	withdrawn, err := tx.ids(ctx, "WithdrawReports", contactID, tomb.ID, at)
	if err != nil {
		return fail(err)
	}
	for _, id := range withdrawn {
		if _, err := tx.exec(ctx, "DeleteReportNotes", id); err != nil {
			return fail(err)
		}
		if err := tx.InsertReportEvent(ctx, &ReportEvent{ReportID: id, Kind: "erasure", ToStatus: ReportClosed, Detail: CloseReasonWithdrawn}); err != nil {
			return fail(err)
		}
	}
	kept, err := tx.ids(ctx, "UnlinkReports", contactID, tomb.ID, at)
	if err != nil {
		return fail(err)
	}
	for _, id := range kept {
		if err := tx.InsertReportEvent(ctx, &ReportEvent{ReportID: id, Kind: "erasure", Detail: "the resident erased their data: contact details, transcript, photos and documents removed"}); err != nil {
			return fail(err)
		}
	}
	res.Withdrawn, res.Kept = len(withdrawn), len(kept)
	r, err := tx.exec(ctx, "DeleteContactOutbox", contactID)
	if err != nil {
		return fail(err)
	}
	res.Outbox, _ = r.RowsAffected()
	// Photos and documents go with the person, those of a report kept as
	// the commission's case record too: they show the person and where
	// they live or sleep.
	if r, err = tx.exec(ctx, "DeleteContactMedia", contactID); err != nil {
		return fail(err)
	}
	res.Media, _ = r.RowsAffected()
	for _, q := range []string{"DeleteContactConversation", "DeleteIntakeSession", "DeleteEraseRequest", "UnlinkReportConsents", "DeleteContactConsents"} {
		if _, err := tx.exec(ctx, q, contactID); err != nil {
			return fail(err)
		}
	}
	if r, err = tx.exec(ctx, "DeleteContactMessages", contactID, keepMessageID); err != nil {
		return fail(err)
	}
	res.Messages, _ = r.RowsAffected()
	if keepMessageID == 0 {
		if _, err := tx.exec(ctx, "DeleteContact", contactID); err != nil {
			return fail(err)
		}
		return res, nil
	}
	if _, err := tx.exec(ctx, "BlankMessage", keepMessageID); err != nil {
		return fail(err)
	}
	random := make([]byte, 16)
	_, _ = rand.Read(random)
	k := tx.store.keys
	anon := "erased-" + hex.EncodeToString(random)
	if _, err := tx.exec(ctx, "AnonymiseContact", contactID, k.sealString(aadContactAddress, anon), k.addressIndex(ErasedChannel, anon), at, k.CurrentID(), k.IndexID()); err != nil {
		return fail(err)
	}
	return res, nil
}

// ids runs a named UPDATE … RETURNING id.
func (tx *Tx) ids(ctx context.Context, name string, args ...any) ([]int64, error) {
	rows, err := tx.tx.QueryContext(ctx, query(tx.store.dialect, name), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// RequestErasure records that the message being handled asked to erase
// the contact's data; [Tx.ConfirmErasure] on the next message completes it.
func (tx *Tx) RequestErasure(ctx context.Context, contactID int64) error {
	msg, err := tx.latestInbound(ctx, contactID)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "UpsertEraseRequest", contactID, msg, tx.time(tx.store.clock())); err != nil {
		return fmt.Errorf("store: request erasure: %w", err)
	}
	return nil
}

// EraseConfirmWindow is how long a request waits for its confirmation.
const EraseConfirmWindow = 15 * time.Minute

// ErasurePending reports whether the contact asked to erase their data in
// the message just before the one being handled, within
// EraseConfirmWindow. Any other message in between cancels the request.
func (tx *Tx) ErasurePending(ctx context.Context, contactID int64) (bool, error) {
	var asked int64
	var at time.Time
	err := tx.queryRow(ctx, "EraseRequest", contactID).Scan(&asked, timeDest{&at})
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: erasure request: %w", err)
	}
	current, err := tx.latestInbound(ctx, contactID)
	if err != nil {
		return false, err
	}
	var prev int64
	if err := tx.queryRow(ctx, "PreviousInbound", contactID, current).Scan(&prev); err != nil {
		return false, fmt.Errorf("store: erasure request: %w", err)
	}
	return prev == asked && tx.store.clock().Sub(at) <= EraseConfirmWindow, nil
}

// CancelErasure forgets a pending request.
func (tx *Tx) CancelErasure(ctx context.Context, contactID int64) error {
	_, err := tx.exec(ctx, "DeleteEraseRequest", contactID)
	return err
}

// Compact makes erased data unrecoverable from the database files where
// the store can: on SQLite (which runs with secure_delete, so freed pages
// are zeroed) it checkpoints and truncates the WAL, which still holds the
// old pages. Postgres reclaims dead rows with autovacuum; what they hold
// is sealed.
func (s *Store) Compact(ctx context.Context) error {
	if s.dialect != SQLite {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	return nil
}

// LatestInboundID returns the contact's newest inbound message id: inside
// the runtime's transaction, the message being handled.
func (tx *Tx) LatestInboundID(ctx context.Context, contactID int64) (int64, error) {
	return tx.latestInbound(ctx, contactID)
}
