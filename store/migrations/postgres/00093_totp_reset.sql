-- Privacy: an admin can reset a staff member's lost second factor. The
-- reset replaces the secret with a new unconfirmed one and sets required:
-- the member must enrol again at the next sign-in (admins always must).

-- +goose Up
ALTER TABLE staff_totp ADD COLUMN required BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE staff_totp DROP COLUMN required;
