-- Privacy queries: what belongs to a report (intake sessions and report
-- transcripts), erasure, retention and the consent ledger. Same
-- conventions as core.sql.

-- name: LatestInbound
-- The contact's newest inbound message: inside the runtime's transaction,
-- the message being handled.
SELECT COALESCE(MAX(id), 0) FROM messages WHERE contact_id = $1 AND direction = 'in';

-- name: UpsertIntakeSession
INSERT INTO intake_sessions (contact_id, first_message_id, started_at)
VALUES ($1, $2, $3)
ON CONFLICT (contact_id) DO UPDATE
SET first_message_id = excluded.first_message_id,
    started_at = excluded.started_at;

-- name: IntakeSession
SELECT first_message_id FROM intake_sessions WHERE contact_id = $1;

-- name: DeleteIntakeSession
DELETE FROM intake_sessions WHERE contact_id = $1;

-- name: DeleteMessagesRange
-- The messages of a dropped intake: from its first message up to, not
-- including, the message being handled (whose replies still refer to it).
DELETE FROM messages WHERE contact_id = $1 AND id >= $2 AND id < $3;

-- name: ReportTranscript
-- The messages of one report's intake: its first message to the one that
-- confirmed it, and the replies to that one.
SELECT id, contact_id, direction, channel, body, external_id, in_reply_to, status, created_at
FROM messages
WHERE contact_id = $1 AND id >= $2 AND (id <= $3 OR in_reply_to = $3)
ORDER BY id;
