-- Outbox without doubles (issue 11): see the Postgres file for why.
-- Version range 00100–00109 belongs to operations.

-- +goose Up
ALTER TABLE outbox ADD COLUMN in_doubt INTEGER NOT NULL DEFAULT 0 CHECK (in_doubt IN (0, 1));
ALTER TABLE outbox ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX outbox_dedupe_key_idx ON outbox (dedupe_key);

-- +goose Down
DROP INDEX outbox_dedupe_key_idx;
ALTER TABLE outbox DROP COLUMN dedupe_key;
ALTER TABLE outbox DROP COLUMN in_doubt;
