package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// StaffTOTP is a staff member's TOTP second factor (RFC 6238).
type StaffTOTP struct {
	// Secret is the base32 shared secret, opened (it is sealed at rest).
	Secret string
	// Confirmed is set once the member entered a right code for it.
	Confirmed bool
	// LastStep is the last 30-second step a code was accepted for; codes
	// of that step or earlier are refused (no replay).
	LastStep int64
}

// colTOTPSecret is the sealed TOTP secret; its additional data also names
// the staff row (colTOTPSecret.row), so a secret copied to another member
// does not open.
var colTOTPSecret = sealedColumn("staff_totp", "secret")

// aadTOTP binds a sealed secret to its staff row.
func aadTOTP(staffID int64) column { return colTOTPSecret.row(staffID) }

// BeginTOTP stores a new, unconfirmed secret for staffID, replacing any
// earlier one (confirmed or not) and its recovery codes.
func (s *Store) BeginTOTP(ctx context.Context, staffID int64, secret string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		sealed := s.keys.sealString(aadTOTP(staffID), secret)
		if _, err := tx.exec(ctx, "UpsertStaffTOTP", staffID, sealed, tx.time(s.clock()), s.keys.CurrentID()); err != nil {
			return fmt.Errorf("store: begin totp: %w", err)
		}
		if _, err := tx.exec(ctx, "DeleteRecoveryCodes", staffID); err != nil {
			return fmt.Errorf("store: begin totp: %w", err)
		}
		return nil
	})
}

// ResetTOTP is an admin's reset of staffID's lost second factor: the
// secret is replaced by secret, unconfirmed, and marked required, so the
// member must enrol it at the next sign-in; their recovery codes and every
// session of theirs end. ErrNotFound if there is no such member.
func (tx *Tx) ResetTOTP(ctx context.Context, staffID int64, secret string) error {
	if _, err := tx.StaffByID(ctx, staffID); err != nil {
		return err
	}
	k := tx.store.keys
	if _, err := tx.exec(ctx, "ResetStaffTOTP", staffID, k.sealString(aadTOTP(staffID), secret), tx.time(tx.store.clock()), k.CurrentID()); err != nil {
		return fmt.Errorf("store: reset totp: %w", err)
	}
	if _, err := tx.exec(ctx, "DeleteRecoveryCodes", staffID); err != nil {
		return fmt.Errorf("store: reset totp: %w", err)
	}
	if _, err := tx.exec(ctx, "DeleteStaffSessions", staffID); err != nil {
		return fmt.Errorf("store: reset totp: %w", err)
	}
	return nil
}

// TOTPOf returns staffID's second factor, or ErrNotFound.
func (s *Store) TOTPOf(ctx context.Context, staffID int64) (StaffTOTP, error) {
	var t StaffTOTP
	var sealed string
	err := s.queryRow(ctx, "StaffTOTP", staffID).Scan(&sealed, &t.Confirmed, &t.LastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return StaffTOTP{}, ErrNotFound
	}
	if err != nil {
		return StaffTOTP{}, fmt.Errorf("store: totp: %w", err)
	}
	t.Secret, err = s.keys.openString(aadTOTP(staffID), sealed)
	return t, err
}

// ConfirmTOTP marks staffID's pending secret confirmed by a code of step
// and stores the recovery codes' hashes (replacing older ones). It reports
// false if there was no pending secret (or step was already used).
func (tx *Tx) ConfirmTOTP(ctx context.Context, staffID, step int64, recoveryHashes []string) (bool, error) {
	res, err := tx.exec(ctx, "ConfirmStaffTOTP", staffID, step)
	if err != nil {
		return false, fmt.Errorf("store: confirm totp: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	if _, err := tx.exec(ctx, "DeleteRecoveryCodes", staffID); err != nil {
		return false, fmt.Errorf("store: confirm totp: %w", err)
	}
	for _, h := range recoveryHashes {
		if _, err := tx.exec(ctx, "InsertRecoveryCode", staffID, h); err != nil {
			return false, fmt.Errorf("store: recovery code: %w", err)
		}
	}
	return true, nil
}

// UseTOTPStep records that a code of step was accepted for staffID. It
// reports false when that step (or a later one) was already used: the
// update is one conditional statement, so two instances given the same
// code cannot both accept it.
func (tx *Tx) UseTOTPStep(ctx context.Context, staffID, step int64) (bool, error) {
	res, err := tx.exec(ctx, "UseTOTPStep", staffID, step)
	if err != nil {
		return false, fmt.Errorf("store: use totp step: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// UseRecoveryCode spends the unused recovery code with this hash; false if
// there is none.
func (tx *Tx) UseRecoveryCode(ctx context.Context, staffID int64, codeHash string) (bool, error) {
	res, err := tx.exec(ctx, "UseRecoveryCode", staffID, codeHash, tx.time(tx.store.clock()))
	if err != nil {
		return false, fmt.Errorf("store: use recovery code: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// CompleteSecondFactor lets a session past the code page.
func (tx *Tx) CompleteSecondFactor(ctx context.Context, tokenHash string) error {
	if _, err := tx.exec(ctx, "CompleteSecondFactor", tokenHash); err != nil {
		return fmt.Errorf("store: complete second factor: %w", err)
	}
	return nil
}
