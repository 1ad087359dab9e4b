-- Privacy: the audit log's client addresses are personal data (a staff
-- member's home connection, a resident's simulator session): audit_log.ip
-- is sealed with the data key like every personal field, and key_id
-- records the key ('' for addresses written before this version, which
-- `rightsline keys rotate` seals). Admins still read the address in the
-- console; a copy of the database does not.

-- +goose Up
ALTER TABLE audit_log ADD COLUMN key_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE audit_log DROP COLUMN key_id;
