-- Core queries shared by Postgres and SQLite.
--
-- Each block starts with "-- name: Name" and runs to the next such line.
-- Placeholders are $1, $2, ... on both dialects. Times are bound already
-- encoded for the dialect (see timeArg in time.go). A query whose SQL must
-- differ per dialect is overridden in core.postgres.sql or core.sqlite.sql.

-- name: ContactByID
SELECT id, channel, address, lang, opted_out, created_at, updated_at
FROM contacts
WHERE id = $1;

-- name: ContactByAddress
SELECT id, channel, address, lang, opted_out, created_at, updated_at
FROM contacts
WHERE channel = $1 AND address_hash = $2;

-- name: ContactForUpdate
-- SQLite has no row locks: the IMMEDIATE transaction already holds the
-- database's write lock, so a plain SELECT is enough. Postgres overrides this.
SELECT id, channel, address, lang, opted_out, created_at, updated_at
FROM contacts
WHERE channel = $1 AND address_hash = $2;

-- name: InsertContactIfAbsent
-- $2 is the sealed address, $3 its keyed index, $4 the key id, $6 the
-- index key's id.
INSERT INTO contacts (channel, address, address_hash, key_id, created_at, updated_at, index_key_id)
VALUES ($1, $2, $3, $4, $5, $5, $6)
ON CONFLICT (channel, address_hash) DO NOTHING;

-- name: ReindexContact
-- A contact found under an older index key gets its digest under the
-- current one ($3 is its id).
UPDATE contacts SET address_hash = $2, index_key_id = $3 WHERE id = $1;

-- name: SetContactOptedOut
UPDATE contacts SET opted_out = $2, updated_at = $3 WHERE id = $1;

-- name: LoadConversation
SELECT state FROM conversations WHERE contact_id = $1;

-- name: SaveConversation
INSERT INTO conversations (contact_id, state, version, updated_at, key_id)
VALUES ($1, $2, 1, $3, $4)
ON CONFLICT (contact_id) DO UPDATE
SET state = excluded.state,
    key_id = excluded.key_id,
    version = conversations.version + 1,
    updated_at = excluded.updated_at;

-- name: InsertMessage
-- The conflict target names the partial unique index on inbound provider
-- ids. A retried webhook inserts nothing and returns no row, which the
-- caller reports as ErrDuplicate; unlike a raised unique violation this
-- leaves a Postgres transaction usable.
INSERT INTO messages (contact_id, direction, channel, body, external_id, in_reply_to, status, created_at, key_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (channel, external_id) WHERE direction = 'in' AND external_id IS NOT NULL
DO NOTHING
RETURNING id;

-- name: InboundByExternalID
SELECT id, contact_id, direction, channel, body, external_id, in_reply_to, status, created_at
FROM messages
WHERE channel = $1 AND external_id = $2 AND direction = 'in';

-- name: RepliesTo
SELECT id, contact_id, direction, channel, body, external_id, in_reply_to, status, created_at
FROM messages
WHERE in_reply_to = $1 AND direction = 'out'
ORDER BY id;

-- name: Transcript
-- The newest $2 messages of a contact, returned oldest first.
SELECT id, contact_id, direction, channel, body, external_id, in_reply_to, status, created_at
FROM (
    SELECT id, contact_id, direction, channel, body, external_id, in_reply_to, status, created_at
    FROM messages
    WHERE contact_id = $1
    ORDER BY id DESC
    LIMIT $2
) AS recent
ORDER BY id;

-- name: SetMessageStatus
-- Each direction's provider ids have their own index (partial, so each arm
-- names its direction).
UPDATE messages SET status = $3
WHERE id IN (
    SELECT id FROM messages WHERE channel = $1 AND external_id = $2 AND direction = 'in'
    UNION ALL
    SELECT id FROM messages WHERE channel = $1 AND external_id = $2 AND direction = 'out'
);

-- name: ContactConversationForUpdate
-- ContactForUpdate and LoadConversation in one round trip, for a contact
-- that has a conversation (no row otherwise: the caller then takes the
-- two-step path). Postgres overrides this to lock both rows.
SELECT c.id, c.channel, c.address, c.lang, c.opted_out, c.created_at, c.updated_at, conv.state
FROM contacts c
JOIN conversations conv ON conv.contact_id = c.id
WHERE c.channel = $1 AND c.address_hash = $2;

-- name: InsertMessagesPrefix
-- InsertReplies appends one "($1, …, $9)" group a message to this prefix,
-- so one statement stores all the replies of a step.
INSERT INTO messages (contact_id, direction, channel, body, external_id, in_reply_to, status, created_at, key_id)
VALUES
