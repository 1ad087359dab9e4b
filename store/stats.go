package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// StatCell is a count of reports of one commission by category, place
// (jurisdiction id), UTC quarter ("2026-Q4") and language, before any
// suppression (intake/publicstats does that).
type StatCell struct {
	Category, Place, Quarter, Lang string
	N                              int
}

// SetCommissionPublicStats turns publishing a commission's counts on or
// off. It returns ErrNotFound for an unknown commission.
func (tx *Tx) SetCommissionPublicStats(ctx context.Context, id string, on bool) error {
	err := affectedOne(tx.exec(ctx, "SetCommissionPublicStats", id, on))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: set public stats: %w", err)
	}
	return err
}

// PublicStatsCommissions lists the commissions that publish counts (id and
// name only), by name.
func (s *Store) PublicStatsCommissions(ctx context.Context) ([]Commission, error) {
	rows, err := s.queryRows(ctx, "PublicStatsCommissions")
	if err != nil {
		return nil, fmt.Errorf("store: public stats commissions: %w", err)
	}
	defer rows.Close()
	out := []Commission{}
	for rows.Next() {
		var c Commission
		if err := rows.Scan(&c.ID, &c.Name); err != nil {
			return nil, fmt.Errorf("store: public stats commissions: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PublicStatsCommission returns the commission (id and name) if it
// publishes counts, ErrNotFound otherwise.
func (s *Store) PublicStatsCommission(ctx context.Context, id string) (Commission, error) {
	var c Commission
	err := s.queryRow(ctx, "PublicStatsCommission", id).Scan(&c.ID, &c.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return Commission{}, ErrNotFound
	}
	if err != nil {
		return Commission{}, fmt.Errorf("store: public stats commission: %w", err)
	}
	return c, nil
}

// PublicStatCells counts the commission's reports per category, place,
// quarter and language; simulator reports, spam and duplicates are left
// out. The caller checks that the commission publishes.
func (s *Store) PublicStatCells(ctx context.Context, commissionID string) ([]StatCell, error) {
	rows, err := s.queryRows(ctx, "PublicStatCells", commissionID)
	if err != nil {
		return nil, fmt.Errorf("store: public stat cells: %w", err)
	}
	defer rows.Close()
	var out []StatCell
	for rows.Next() {
		var c StatCell
		if err := rows.Scan(&c.Category, &c.Place, &c.Quarter, &c.Lang, &c.N); err != nil {
			return nil, fmt.Errorf("store: public stat cells: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
