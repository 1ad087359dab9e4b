package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Consent kinds in the ledger.
const (
	// ConsentTexts: to receive texts (updates) about a report.
	ConsentTexts = "texts"
	// ConsentShareReport: to share a report with the commission.
	ConsentShareReport = "share_report"
	// ConsentDiscreet: discreet mode (neutral updates, no sensitive word
	// first).
	ConsentDiscreet = "discreet"
)

// Consent is one entry of the consent ledger: what a contact agreed (or
// declined) to, when, on which channel, and the exact text they were shown.
type Consent struct {
	ID int64
	// ContactID is who consented; 0 once they erased their data (the
	// entry then stays with the report the commission keeps).
	ContactID int64
	// ReportID is the report the consent was given for; 0 for a consent
	// about the contact (texts in general, discreet mode).
	ReportID int64
	// Kind is ConsentTexts, ConsentShareReport or ConsentDiscreet.
	Kind string
	// Granted is true for an agreement, false for a refusal or withdrawal.
	Granted bool
	// Channel is where it was given ("sms", "discord", "web").
	Channel string
	// TextID, TextLang and TextVersion identify the exact text shown: its
	// message id, language and [TextVersion] of the rendered text.
	TextID, TextLang, TextVersion string
	CreatedAt                     time.Time
}

// TextVersion identifies a rendered text exactly: "sha256:" and the first
// 16 hex digits of its SHA-256. Record it with the consent the text asked
// for; the same words give the same version.
func TextVersion(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "sha256:" + hex.EncodeToString(sum[:8])
}

// RecordConsent adds c to the ledger in the transaction and sets c.ID and
// c.CreatedAt. Entries are never changed: a withdrawal is a new entry with
// Granted false. Discreet mode, for one, is recorded as
//
//	tx.RecordConsent(ctx, &store.Consent{ContactID: c.ID, Kind: store.ConsentDiscreet,
//		Granted: true, Channel: "sms", TextID: id, TextLang: lang, TextVersion: store.TextVersion(text)})
func (tx *Tx) RecordConsent(ctx context.Context, c *Consent) error {
	switch c.Kind {
	case ConsentTexts, ConsentShareReport, ConsentDiscreet:
	default:
		return fmt.Errorf("store: RecordConsent: unknown kind %q", c.Kind)
	}
	if c.ContactID == 0 || c.Channel == "" || c.TextID == "" || c.TextVersion == "" {
		return errors.New("store: RecordConsent: contact, channel, text id and version are required")
	}
	c.CreatedAt = tx.store.clock()
	err := tx.queryRow(ctx, "InsertConsent", c.ContactID, consoleNullInt(c.ReportID), c.Kind, c.Granted, c.Channel,
		c.TextID, c.TextLang, c.TextVersion, tx.time(c.CreatedAt)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("store: record consent: %w", err)
	}
	return nil
}

// ReportConsents returns the ledger shown and exported with a report: the
// consents given for it and its contact's own, oldest first.
func (s *Store) ReportConsents(ctx context.Context, r Report) ([]Consent, error) {
	return s.consents(ctx, "ReportConsents", r.ID, r.ContactID)
}

// ContactConsents returns a contact's ledger, oldest first.
func (s *Store) ContactConsents(ctx context.Context, contactID int64) ([]Consent, error) {
	return s.consents(ctx, "ContactConsents", contactID)
}

func (s *Store) consents(ctx context.Context, name string, args ...any) ([]Consent, error) {
	rows, err := s.queryRows(ctx, name, args...)
	if err != nil {
		return nil, fmt.Errorf("store: consents: %w", err)
	}
	defer rows.Close()
	out := []Consent{}
	for rows.Next() {
		var c Consent
		if err := rows.Scan(&c.ID, &c.ContactID, &c.ReportID, &c.Kind, &c.Granted, &c.Channel,
			&c.TextID, &c.TextLang, &c.TextVersion, timeDest{&c.CreatedAt}); err != nil {
			return nil, fmt.Errorf("store: consents: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
