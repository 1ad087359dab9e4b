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

-- name: CreateContactPostgres
-- InConversation's new contact in one statement (Tx.createContact): the
-- contact, unless one exists under any of the address's indexes ($7: the
-- current key's, $3, and the older keys'), and the suppression an erased
-- opted-out contact of the address left, consumed. No row when the
-- contact exists (or another transaction created it first: the insert
-- waits for it, then does nothing). The last column counts the
-- suppressions consumed; the caller then opts the contact out (a row
-- inserted here cannot be updated in the same statement).
WITH created AS (
    INSERT INTO contacts (channel, address, address_hash, key_id, created_at, updated_at, index_key_id)
    SELECT $1, $2, $3, $4, $5, $5, $6
    WHERE NOT EXISTS (SELECT 1 FROM contacts WHERE channel = $1 AND address_hash = ANY($7::text[]))
    ON CONFLICT (channel, address_hash) DO NOTHING
    RETURNING id, channel, address, lang, opted_out, created_at, updated_at
), suppressed AS (
    DELETE FROM suppressions
    WHERE channel = $1 AND address_hash = ANY($7::text[]) AND EXISTS (SELECT 1 FROM created)
    RETURNING 1
)
SELECT id, channel, address, lang, opted_out, created_at, updated_at, (SELECT count(*) FROM suppressed)
FROM created;
