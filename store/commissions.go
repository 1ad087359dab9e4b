package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Commission is a human-rights commission (or other agency) that reports
// are routed to. The routing data file in package intake is its source;
// [Tx.UpsertCommission] copies it into the table that reports refer to.
type Commission struct {
	// ID is a stable slug, e.g. "dc-ohr".
	ID           string
	Name         string
	Jurisdiction string
	// Contact is the published phone, e-mail or web address.
	Contact string
	// Languages is a comma-separated list of language tags served.
	Languages string
	// DeadlinesJSON describes the filing deadlines, as JSON written by
	// package intake.
	DeadlinesJSON string
	// Active is false for a commission that no longer takes reports.
	Active    bool
	CreatedAt time.Time
}

func scanCommission(row interface{ Scan(...any) error }) (Commission, error) {
	var c Commission
	err := row.Scan(&c.ID, &c.Name, &c.Jurisdiction, &c.Contact, &c.Languages, &c.DeadlinesJSON, &c.Active, timeDest{&c.CreatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return Commission{}, ErrNotFound
	}
	return c, err
}

// UpsertCommission inserts c, or updates the stored commission's name,
// jurisdiction, contact, languages and deadlines. It never changes an
// existing row's Active flag or creation time, so seeding at every start-up
// is idempotent and does not undo an admin's change.
func (tx *Tx) UpsertCommission(ctx context.Context, c Commission) error {
	if c.ID == "" || c.Name == "" {
		return errors.New("store: UpsertCommission: id and name are required")
	}
	if c.DeadlinesJSON == "" {
		c.DeadlinesJSON = "[]"
	}
	_, err := tx.exec(ctx, "UpsertCommission", c.ID, c.Name, c.Jurisdiction, c.Contact, c.Languages,
		c.DeadlinesJSON, c.Active, tx.time(tx.store.clock()))
	if err != nil {
		return fmt.Errorf("store: upsert commission: %w", err)
	}
	return nil
}

// CommissionByID returns the commission, or ErrNotFound.
func (s *Store) CommissionByID(ctx context.Context, id string) (Commission, error) {
	c, err := scanCommission(s.queryRow(ctx, "CommissionByID", id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Commission{}, fmt.Errorf("store: commission by id: %w", err)
	}
	return c, err
}

// Commissions lists every commission, by id.
func (s *Store) Commissions(ctx context.Context) ([]Commission, error) {
	rows, err := s.queryRows(ctx, "Commissions")
	if err != nil {
		return nil, fmt.Errorf("store: commissions: %w", err)
	}
	defer rows.Close()
	var out []Commission
	for rows.Next() {
		c, err := scanCommission(rows)
		if err != nil {
			return nil, fmt.Errorf("store: commissions: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: commissions: %w", err)
	}
	return out, nil
}
