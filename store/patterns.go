package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// RespondentPattern counts the other reports naming the respondent of
// report id (by respondent_key), in every commission and in commission
// (a commission id; "" counts the default queue's). Reports closed as
// duplicates are not counted. key is the respondent's key, for listing
// them (QueueFilter.RespondentKey); a report without a respondent gives
// ErrNotFound. Only counts leave the store: nothing of another
// commission's reports.
func (s *Store) RespondentPattern(ctx context.Context, id int64, commission string) (key string, others, inCommission int, err error) {
	err = s.queryRow(ctx, "RespondentPattern", id, commission).Scan(&key, &others, &inCommission)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, 0, ErrNotFound
	}
	if err != nil {
		return "", 0, 0, fmt.Errorf("store: respondent pattern: %w", err)
	}
	return key, others, inCommission, nil
}

// Pattern is one respondent named by several reports of one category.
type Pattern struct {
	RespondentKey string
	Category      string
	Reports       int
	// Latest is the newest of those reports; its respondent name is the
	// one shown.
	Latest Report
}

// Patterns lists the respondents named by at least min reports in scope
// filed since since, per category, most reports first, at most limit.
func (s *Store) Patterns(ctx context.Context, scope string, since time.Time, min, limit int) ([]Pattern, error) {
	rows, err := s.queryRows(ctx, "Patterns", scope, timeArg(s.dialect, since), min, limit)
	if err != nil {
		return nil, fmt.Errorf("store: patterns: %w", err)
	}
	var out []Pattern
	var latest []int64
	for rows.Next() {
		var p Pattern
		var id int64
		if err := rows.Scan(&p.RespondentKey, &p.Category, &p.Reports, &id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: patterns: %w", err)
		}
		out = append(out, p)
		latest = append(latest, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: patterns: %w", err)
	}
	for i, id := range latest {
		if out[i].Latest, err = s.ReportByID(ctx, id); err != nil {
			return nil, fmt.Errorf("store: patterns: %w", err)
		}
	}
	return out, nil
}
