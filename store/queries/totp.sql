-- Sign-in second factor (store/totp.go).

-- name: UpsertStaffTOTP
INSERT INTO staff_totp (staff_id, secret, confirmed, last_step, created_at, key_id) VALUES ($1, $2, FALSE, 0, $3, $4)
ON CONFLICT (staff_id) DO UPDATE SET secret = excluded.secret, confirmed = FALSE, last_step = 0, created_at = excluded.created_at, key_id = excluded.key_id;

-- name: StaffTOTP
SELECT secret, confirmed, last_step FROM staff_totp WHERE staff_id = $1;

-- name: ConfirmStaffTOTP
UPDATE staff_totp SET confirmed = TRUE, last_step = $2 WHERE staff_id = $1 AND NOT confirmed AND last_step < $2;

-- name: UseTOTPStep
UPDATE staff_totp SET last_step = $2 WHERE staff_id = $1 AND confirmed AND last_step < $2;

-- name: DeleteRecoveryCodes
DELETE FROM staff_recovery_codes WHERE staff_id = $1;

-- name: InsertRecoveryCode
INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ($1, $2);

-- name: UseRecoveryCode
UPDATE staff_recovery_codes SET used_at = $3 WHERE staff_id = $1 AND code_hash = $2 AND used_at IS NULL;

-- name: DeleteStaffTOTP
DELETE FROM staff_totp WHERE staff_id = $1;

-- name: CompleteSecondFactor
UPDATE sessions SET second_factor_pending = FALSE WHERE token_hash = $1;

-- name: ResetStaffTOTP
-- An admin's reset: a new unconfirmed secret that the member must enrol.
INSERT INTO staff_totp (staff_id, secret, confirmed, last_step, created_at, key_id, required) VALUES ($1, $2, FALSE, 0, $3, $4, TRUE)
ON CONFLICT (staff_id) DO UPDATE SET secret = excluded.secret, confirmed = FALSE, last_step = 0, created_at = excluded.created_at,
    key_id = excluded.key_id, required = TRUE;
