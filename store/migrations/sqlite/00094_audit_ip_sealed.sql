-- Privacy: audit_log.ip sealed. See the Postgres file of the same version.

-- +goose Up
ALTER TABLE audit_log ADD COLUMN key_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE audit_log DROP COLUMN key_id;
