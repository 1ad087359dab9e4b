-- Privacy: encryption at rest. See the Postgres file of the same version.
-- SQLite cannot drop the table's UNIQUE (channel, address) constraint
-- without rebuilding the table; sealed addresses never collide, so it
-- stays and checks nothing.

-- +goose Up
ALTER TABLE contacts ADD COLUMN address_hash TEXT;
ALTER TABLE contacts ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX contacts_channel_address_hash_key ON contacts (channel, address_hash);
ALTER TABLE conversations ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE report_notes ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE discord_guilds ADD COLUMN key_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE discord_guilds DROP COLUMN key_id;
ALTER TABLE report_notes DROP COLUMN key_id;
ALTER TABLE reports DROP COLUMN key_id;
ALTER TABLE outbox DROP COLUMN key_id;
ALTER TABLE messages DROP COLUMN key_id;
ALTER TABLE conversations DROP COLUMN key_id;
DROP INDEX contacts_channel_address_hash_key;
ALTER TABLE contacts DROP COLUMN key_id;
ALTER TABLE contacts DROP COLUMN address_hash;
