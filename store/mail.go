package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// MailReport is a new report to tell its commission's staff about: what
// the e-mail may hold (the reference) and where it goes.
type MailReport struct {
	ID           int64
	Reference    string
	CommissionID string // "" for the default queue
}

// ClaimReportMail leases up to limit reports not yet mailed to staff, for
// lease; another instance cannot claim them until the lease runs out.
// Mark each MarkReportMailed once sent, or ReleaseReportMail to retry.
func (s *Store) ClaimReportMail(ctx context.Context, limit int, lease time.Duration) ([]MailReport, error) {
	var out []MailReport
	err := s.InTx(ctx, func(tx *Tx) error {
		out = out[:0]
		now := s.clock()
		rows, err := tx.tx.QueryContext(ctx, query(s.dialect, "ClaimReportMail"), tx.time(now), tx.time(now.Add(lease)), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m MailReport
			if err := rows.Scan(&m.ID, &m.Reference, &m.CommissionID); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim report mail: %w", err)
	}
	return out, nil
}

// ReleaseReportMail gives a claimed report back, to be mailed at the
// next claim.
func (s *Store) ReleaseReportMail(ctx context.Context, id int64) error {
	if _, err := s.exec(ctx, "ReleaseReportMail", id); err != nil {
		return fmt.Errorf("store: release report mail: %w", err)
	}
	return nil
}

// MarkReportMailed records that the report's staff were mailed.
func (s *Store) MarkReportMailed(ctx context.Context, id int64) error {
	if _, err := s.exec(ctx, "MarkReportMailed", id); err != nil {
		return fmt.Errorf("store: mark report mailed: %w", err)
	}
	return nil
}

// ClaimDaily claims the job name for day ('YYYY-MM-DD'): true for
// exactly one caller across every instance, false for the rest.
// ReleaseDaily undoes a claim whose job failed, so it is tried again.
func (s *Store) ClaimDaily(ctx context.Context, name, day string) (bool, error) {
	var got string
	err := s.queryRow(ctx, "ClaimDaily", name, day, timeArg(s.dialect, s.clock())).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: claim daily: %w", err)
	}
	return true, nil
}

// ReleaseDaily removes the claim of name for day.
func (s *Store) ReleaseDaily(ctx context.Context, name, day string) error {
	if _, err := s.exec(ctx, "ReleaseDaily", name, day); err != nil {
		return fmt.Errorf("store: release daily: %w", err)
	}
	return nil
}
