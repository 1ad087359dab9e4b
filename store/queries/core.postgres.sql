-- Postgres overrides of queries in core.sql.

-- name: ContactForUpdate
-- Locks the contact's row until the transaction ends, so two messages from
-- one person are handled one after the other.
SELECT id, channel, address, lang, opted_out, created_at, updated_at
FROM contacts
WHERE channel = $1 AND address_hash = $2
FOR UPDATE;

-- name: ContactConversationForUpdate
-- Locks both rows. Both must be locked: after waiting for a lock, READ
-- COMMITTED re-reads only the locked rows, so a conversation joined but not
-- locked would come back as it was before the other transaction saved it
-- (a lost update, which TestRuntimeOneContactConcurrent catches). An inner
-- join, because the nullable side of an outer join cannot be locked.
SELECT c.id, c.channel, c.address, c.lang, c.opted_out, c.created_at, c.updated_at, conv.state
FROM contacts c
JOIN conversations conv ON conv.contact_id = c.id
WHERE c.channel = $1 AND c.address_hash = $2
FOR UPDATE OF c, conv;
