package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Why a report was closed. Staff may close a report from any status with
// one of these; CloseDuplicate names the report it repeats.
const (
	CloseResolved       = "resolved"
	CloseReferred       = "referred_elsewhere"
	CloseWithdrawn      = "withdrawn"
	CloseDuplicate      = "duplicate"
	CloseSpam           = "spam"
	CloseNoJurisdiction = "no_jurisdiction"
)

// CloseCodes lists the close reasons in the order the console offers them.
var CloseCodes = []string{CloseResolved, CloseReferred, CloseWithdrawn, CloseDuplicate, CloseSpam, CloseNoJurisdiction}

// ErrInvalidClose is returned for an unknown close code, a duplicate
// without the report it repeats, or a report named its own duplicate.
var ErrInvalidClose = errors.New("store: invalid close")

// CloseReport closes the report from status from (which the caller saw)
// with code, a staff note and, for CloseDuplicate, the id of the report it
// repeats. It returns ErrNotFound for an unknown report, ErrStatusChanged
// when it is no longer in from, and ErrInvalidClose for a bad code or
// duplicate link.
func (tx *Tx) CloseReport(ctx context.Context, id int64, from, code, note string, duplicateOf int64) error {
	known := false
	for _, c := range CloseCodes {
		known = known || c == code
	}
	switch {
	case !known:
		return fmt.Errorf("%w: unknown close code %q", ErrInvalidClose, code)
	case code == CloseDuplicate && (duplicateOf == 0 || duplicateOf == id):
		return fmt.Errorf("%w: a duplicate names another report", ErrInvalidClose)
	case code != CloseDuplicate:
		duplicateOf = 0
	}
	res, err := tx.exec(ctx, "CloseReport", id, from, code, note, consoleNullInt(duplicateOf), tx.time(tx.store.clock()))
	return tx.statusResult(ctx, id, res, err, "close report")
}

// ReopenReport moves a closed report back to in review, clearing its
// close reason and duplicate link (the history keeps both). It returns
// ErrNotFound for an unknown report and ErrStatusChanged when it is not
// closed.
func (tx *Tx) ReopenReport(ctx context.Context, id int64) error {
	res, err := tx.exec(ctx, "ReopenReport", id, tx.time(tx.store.clock()))
	return tx.statusResult(ctx, id, res, err, "reopen report")
}

// statusResult maps a conditional status UPDATE's result as
// SetReportStatus does.
func (tx *Tx) statusResult(ctx context.Context, id int64, res sql.Result, err error, what string) error {
	err = affectedOne(res, err)
	if errors.Is(err, ErrNotFound) {
		if _, err := tx.ReportByID(ctx, id); err != nil {
			return err
		}
		return ErrStatusChanged
	}
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// DuplicatesOf lists the reports closed as duplicates of report id.
func (s *Store) DuplicatesOf(ctx context.Context, id int64) ([]QueueItem, error) {
	rows, err := s.queryRows(ctx, "DuplicatesOf", id)
	if err != nil {
		return nil, fmt.Errorf("store: duplicates: %w", err)
	}
	defer rows.Close()
	var out []QueueItem
	for rows.Next() {
		q, err := scanQueueItem(rows)
		if err != nil {
			return nil, fmt.Errorf("store: duplicates: %w", err)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// Delivery is how one update about a report went: the outbox row's state,
// never its text or address.
type Delivery struct {
	ID             int64
	Channel        string
	Status         string // an Outbox* status
	Attempts       int
	DeliveryStatus string // the provider's latest report ("delivered", "undelivered")
	LastError      string
	CreatedAt      time.Time
	SentAt         time.Time
}

// Failed reports whether the update will not reach the resident: it
// failed or was suppressed, or the provider reported it undelivered.
func (d Delivery) Failed() bool {
	return d.Status == OutboxFailed || d.Status == OutboxSuppressed || d.DeliveryStatus == "undelivered" || d.DeliveryStatus == "failed"
}

// ReportDeliveries lists the updates queued about report id, oldest
// first (outbox rows are purged after the delivery retention period).
func (s *Store) ReportDeliveries(ctx context.Context, id int64) ([]Delivery, error) {
	rows, err := s.queryRows(ctx, "ReportDeliveries", id)
	if err != nil {
		return nil, fmt.Errorf("store: report deliveries: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		if err := rows.Scan(&d.ID, &d.Channel, &d.Status, &d.Attempts, &d.DeliveryStatus, &d.LastError,
			timeDest{&d.CreatedAt}, consoleNullTime{&d.SentAt}); err != nil {
			return nil, fmt.Errorf("store: report deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ContactByAddress is [Store.ContactByAddress] in the transaction.
func (tx *Tx) ContactByAddress(ctx context.Context, channel, address string) (Contact, error) {
	k := tx.store.keys
	c, err := scanContact(k, tx.queryRow(ctx, "ContactByAddress", channel, k.addressIndex(channel, address)))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Contact{}, fmt.Errorf("store: contact by address: %w", err)
	}
	return c, err
}
