-- Privacy: TOTP reset. See the Postgres file of the same version.

-- +goose Up
ALTER TABLE staff_totp ADD COLUMN required INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1));

-- +goose Down
ALTER TABLE staff_totp DROP COLUMN required;
