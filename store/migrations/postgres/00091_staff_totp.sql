-- Sign-in second factor (TOTP, RFC 6238) for console staff; required for
-- admins. See intake/console/totp.go.
--
-- staff_totp.secret is the shared secret sealed with the data key
-- (AES-256-GCM, key id inside the sealed value, like every personal field).
-- last_step is the last 30-second step a code was accepted for: a code of
-- that step or an earlier one is refused, so a seen code cannot be replayed.
-- Recovery codes are stored as SHA-256 hashes and used once.
-- sessions.second_factor_pending marks a session that passed the password
-- but not yet the code: it reaches only the code page and sign-out.

-- +goose Up
CREATE TABLE staff_totp (
    staff_id   BIGINT PRIMARY KEY REFERENCES staff (id) ON DELETE CASCADE,
    secret     TEXT    NOT NULL,
    confirmed  BOOLEAN NOT NULL DEFAULT FALSE,
    last_step  BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE staff_recovery_codes (
    staff_id  BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    code_hash TEXT    NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (staff_id, code_hash)
);

ALTER TABLE sessions ADD COLUMN second_factor_pending BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE sessions DROP COLUMN second_factor_pending;
DROP TABLE staff_recovery_codes;
DROP TABLE staff_totp;
