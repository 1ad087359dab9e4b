package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// RoleTranslator reviews and edits one or more languages of the catalog in
// the console; a translator belongs to no commission and sees no report.
const RoleTranslator = "translator"

// IsTranslator reports whether s has the translator role.
func (s Staff) IsTranslator() bool { return s.Role == RoleTranslator }

// Translation edit statuses, as the catalog's review states.
const (
	TranslationDraft    = "draft"
	TranslationReviewed = "reviewed"
)

// TranslationEdit is one save or review of a message's translation in the
// console. Edits are never updated or deleted: the latest of a (Lang,
// MessageID) is its current state, the earlier ones its history.
type TranslationEdit struct {
	ID        int64
	Lang      string
	MessageID string
	Text      string
	// SourceHash is go-i18n's hash of the English message translated.
	SourceHash string
	Status     string // TranslationDraft or TranslationReviewed
	// StaffID is who saved it (0 once the account is gone); StaffName the
	// name they signed with.
	StaffID   int64
	StaffName string
	CreatedAt time.Time
}

// ErrInvalidEdit is returned for an edit without language, message, hash
// or signer, or with an unknown status.
var ErrInvalidEdit = errors.New("store: invalid translation edit")

// maxEditText bounds a translation's text; the longest message is well
// under it.
const maxEditText = 8 << 10

// InsertTranslationEdit stores e and sets its ID and CreatedAt.
func (tx *Tx) InsertTranslationEdit(ctx context.Context, e *TranslationEdit) error {
	switch {
	case e.Lang == "" || e.MessageID == "" || e.SourceHash == "":
		return fmt.Errorf("%w: language, message and source hash are required", ErrInvalidEdit)
	case strings.TrimSpace(e.StaffName) == "":
		return fmt.Errorf("%w: who made it is required", ErrInvalidEdit)
	case e.Status != TranslationDraft && e.Status != TranslationReviewed:
		return fmt.Errorf("%w: status %q", ErrInvalidEdit, e.Status)
	case len(e.Text) > maxEditText || strings.ContainsRune(e.Text, 0):
		return fmt.Errorf("%w: the text is too long or holds a NUL", ErrInvalidEdit)
	}
	e.CreatedAt = tx.store.clock()
	err := tx.queryRow(ctx, "InsertTranslationEdit", e.Lang, e.MessageID, e.Text, e.SourceHash, e.Status,
		consoleNullInt(e.StaffID), tx.store.keys.sealString(colEditSigner, e.StaffName), tx.time(e.CreatedAt), tx.store.keys.CurrentID()).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: insert translation edit: %w", err)
	}
	return nil
}

// colEditSigner is the name a translator signed an edit with: a staff
// member's name, sealed like the staff table's.
var colEditSigner = sealedColumn("translation_edits", "staff_name")

func (s *Store) scanEdits(rows *sql.Rows, err error) ([]TranslationEdit, error) {
	if err != nil {
		return nil, fmt.Errorf("store: translation edits: %w", err)
	}
	defer rows.Close()
	out := []TranslationEdit{}
	for rows.Next() {
		var e TranslationEdit
		var staff sql.NullInt64
		if err := rows.Scan(&e.ID, &e.Lang, &e.MessageID, &e.Text, &e.SourceHash, &e.Status, &staff, &e.StaffName, timeDest{&e.CreatedAt}); err != nil {
			return nil, fmt.Errorf("store: translation edits: %w", err)
		}
		e.StaffID = staff.Int64
		if e.StaffName, err = s.keys.openString(colEditSigner, e.StaffName); err != nil {
			return nil, fmt.Errorf("store: translation edits: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CurrentTranslationEdits returns the latest edit of every message of
// lang ("" for every language), ordered by language and message.
func (s *Store) CurrentTranslationEdits(ctx context.Context, lang string) ([]TranslationEdit, error) {
	return s.scanEdits(s.queryRows(ctx, "CurrentTranslationEdits", lang))
}

// TranslationEditHistory returns up to limit edits of one message, newest
// first.
func (s *Store) TranslationEditHistory(ctx context.Context, lang, messageID string, limit int) ([]TranslationEdit, error) {
	return s.scanEdits(s.queryRows(ctx, "TranslationEditHistory", lang, messageID, limit))
}

// TranslationEditsVersion is the id of the newest edit (0 if none): it
// grows with every edit, so a service instance polls it to learn that its
// overlay of the catalog is out of date.
func (s *Store) TranslationEditsVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.queryRow(ctx, "TranslationEditsVersion").Scan(&v); err != nil {
		return 0, fmt.Errorf("store: translation edits version: %w", err)
	}
	return v, nil
}

// SetStaffLangs replaces the languages a translator works on.
func (tx *Tx) SetStaffLangs(ctx context.Context, staffID int64, langs []string) error {
	if _, err := tx.exec(ctx, "DeleteStaffLangs", staffID); err != nil {
		return fmt.Errorf("store: staff languages: %w", err)
	}
	seen := map[string]bool{}
	for _, l := range langs {
		if l == "" || seen[l] {
			continue
		}
		seen[l] = true
		if _, err := tx.exec(ctx, "InsertStaffLang", staffID, l); err != nil {
			return fmt.Errorf("store: staff languages: %w", err)
		}
	}
	return nil
}

// StaffLangs returns the languages a translator works on, sorted.
func (s *Store) StaffLangs(ctx context.Context, staffID int64) ([]string, error) {
	rows, err := s.queryRows(ctx, "StaffLangs", staffID)
	if err != nil {
		return nil, fmt.Errorf("store: staff languages: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, fmt.Errorf("store: staff languages: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
