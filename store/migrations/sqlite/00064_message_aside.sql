-- Privacy: messages answered outside the conversation. See the Postgres
-- file of the same version.

-- +goose Up
ALTER TABLE messages ADD COLUMN aside INTEGER NOT NULL DEFAULT 0 CHECK (aside IN (0, 1));

-- +goose Down
ALTER TABLE messages DROP COLUMN aside;
