-- One conversation step's writes in one round trip (Tx.RecordStep).

-- name: RecordStepPostgres
-- The inbound message, the conversation's new state and the replies, as
-- one statement. The inbound insert is InsertMessage's, with its conflict
-- target: a retried webhook inserts nothing, so the state and the replies,
-- which select from it, are not written either, and no row comes back
-- (ErrDuplicate). The state is SaveConversation's upsert. The replies keep
-- their order (ORDINALITY), hence their ids.
-- $1 contact, $2 channel, $3 sealed inbound body, $4 provider id,
-- $5 inbound status, $6 inbound time, $7 key id, $8 sealed state,
-- $9 state time, $10 reply time, $11 sealed reply bodies, $12 reply status.
WITH inbound AS (
    INSERT INTO messages (contact_id, direction, channel, body, external_id, in_reply_to, status, created_at, key_id)
    VALUES ($1, 'in', $2, $3, $4, NULL, $5, $6, $7)
    ON CONFLICT (channel, external_id) WHERE direction = 'in' AND external_id IS NOT NULL
    DO NOTHING
    RETURNING id
), conversation AS (
    INSERT INTO conversations (contact_id, state, version, updated_at, key_id)
    SELECT $1, $8, 1, $9, $7 FROM inbound
    ON CONFLICT (contact_id) DO UPDATE
    SET state = excluded.state,
        key_id = excluded.key_id,
        version = conversations.version + 1,
        updated_at = excluded.updated_at
), replies AS (
    INSERT INTO messages (contact_id, direction, channel, body, external_id, in_reply_to, status, created_at, key_id)
    SELECT $1, 'out', $2, r.body, NULL, inbound.id, $12, $10, $7
    FROM inbound, unnest($11::text[]) WITH ORDINALITY AS r(body, n)
    ORDER BY r.n
)
SELECT id FROM inbound;

-- name: RecordStepAtCommitPostgres
-- RecordStepPostgres for Tx.RecordStepAtCommit, whose statement is sent
-- with the COMMIT: a retried webhook must then fail the transaction, not
-- quietly insert nothing and let the COMMIT keep what else it did, so the
-- inbound insert has no conflict clause and a stored provider id raises
-- the unique violation of messages_inbound_external_id_key (ErrDuplicate);
-- the COMMIT behind it is then never run. Same arguments.
WITH inbound AS (
    INSERT INTO messages (contact_id, direction, channel, body, external_id, in_reply_to, status, created_at, key_id)
    VALUES ($1, 'in', $2, $3, $4, NULL, $5, $6, $7)
    RETURNING id
), conversation AS (
    INSERT INTO conversations (contact_id, state, version, updated_at, key_id)
    SELECT $1, $8, 1, $9, $7 FROM inbound
    ON CONFLICT (contact_id) DO UPDATE
    SET state = excluded.state,
        key_id = excluded.key_id,
        version = conversations.version + 1,
        updated_at = excluded.updated_at
), replies AS (
    INSERT INTO messages (contact_id, direction, channel, body, external_id, in_reply_to, status, created_at, key_id)
    SELECT $1, 'out', $2, r.body, NULL, inbound.id, $12, $10, $7
    FROM inbound, unnest($11::text[]) WITH ORDINALITY AS r(body, n)
    ORDER BY r.n
)
SELECT id FROM inbound;
