-- Privacy: encryption at rest. Personal fields are sealed by the store
-- (AES-256-GCM, see store/keys.go) and each row records the id of the key
-- its values were sealed with; '' marks a row written before encryption,
-- which `rightsline keys rotate` seals. Contacts are found by a keyed
-- index of (channel, address) instead of the address, which is sealed.

-- +goose Up
ALTER TABLE contacts ADD COLUMN address_hash TEXT;
ALTER TABLE contacts ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX contacts_channel_address_hash_key ON contacts (channel, address_hash);
-- Sealed addresses are all different: the old constraint checks nothing.
ALTER TABLE contacts DROP CONSTRAINT contacts_channel_address_key;
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
ALTER TABLE contacts ADD CONSTRAINT contacts_channel_address_key UNIQUE (channel, address);
DROP INDEX contacts_channel_address_hash_key;
ALTER TABLE contacts DROP COLUMN key_id;
ALTER TABLE contacts DROP COLUMN address_hash;
