-- Privacy: every keyed index is rotatable (staff_totp.key_id is in 00092,
-- after the table's own migration). See the
-- Postgres file of the same version.

-- +goose Up
ALTER TABLE contacts ADD COLUMN index_key_id TEXT NOT NULL DEFAULT 'index';

-- +goose Down
ALTER TABLE contacts DROP COLUMN index_key_id;
