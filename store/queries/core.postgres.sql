-- Postgres overrides of queries in core.sql.

-- name: ContactForUpdate
-- Locks the contact's row until the transaction ends, so two messages from
-- one person are handled one after the other.
SELECT id, channel, address, lang, opted_out, created_at, updated_at
FROM contacts
WHERE channel = $1 AND address = $2
FOR UPDATE;
