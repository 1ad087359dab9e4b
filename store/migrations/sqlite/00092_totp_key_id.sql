-- Privacy: staff_totp.key_id. See the Postgres file of the same version.

-- +goose Up
ALTER TABLE staff_totp ADD COLUMN key_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE staff_totp DROP COLUMN key_id;
