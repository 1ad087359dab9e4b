package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// DeliveryReport is the latest delivery status a provider reported for one
// of its messages.
type DeliveryReport struct {
	Channel    string
	ProviderID string
	// Status is the provider's word ("queued", "delivered", "undelivered" …).
	Status string
	// Rank orders a message's statuses; a lower-ranked report never
	// replaces a higher one.
	Rank int
	// ErrorCode is the provider's error code, e.g. Twilio's "21610"; empty
	// if none.
	ErrorCode string
	UpdatedAt time.Time
}

// RecordDeliveryStatus stores a provider's delivery report for providerID
// unless a report of higher rank is already stored (callbacks arrive out of
// order), and copies the status to the outbox row sent under that id, if
// any. It reports whether the report was applied.
func (s *Store) RecordDeliveryStatus(ctx context.Context, r DeliveryReport) (applied bool, err error) {
	if r.Channel == "" || r.ProviderID == "" || r.Status == "" {
		return false, errors.New("store: RecordDeliveryStatus: channel, provider id and status are required")
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		applied = false
		var got string
		err := tx.queryRow(ctx, "RecordDeliveryStatus", r.Channel, r.ProviderID, r.Status, r.Rank, r.ErrorCode, tx.time(s.clock())).Scan(&got)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		applied = true
		_, err = tx.exec(ctx, "SetOutboundDeliveryStatus", r.Channel, r.ProviderID, r.Status)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: record delivery status: %w", err)
	}
	return applied, nil
}

// DeliveryStatus returns the stored report for providerID, or ErrNotFound.
func (s *Store) DeliveryStatus(ctx context.Context, channel, providerID string) (DeliveryReport, error) {
	var r DeliveryReport
	err := s.queryRow(ctx, "DeliveryStatus", channel, providerID).Scan(&r.Channel, &r.ProviderID, &r.Status, &r.Rank, &r.ErrorCode, timeDest{&r.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return DeliveryReport{}, ErrNotFound
	}
	if err != nil {
		return DeliveryReport{}, fmt.Errorf("store: delivery status: %w", err)
	}
	return r, nil
}
