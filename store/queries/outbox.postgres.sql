-- Postgres overrides of queries in outbox.sql.

-- name: ClaimOutbound
-- SKIP LOCKED lets several instances claim at once, each taking rows the
-- others have not locked, without waiting on each other.
UPDATE outbox
SET status = 'sending', attempts = attempts + 1, lease_until = $3, claim_token = $4,
    -- A row still 'sending' was held by a claimer that died: in doubt.
    in_doubt = (in_doubt OR status = 'sending')
WHERE id IN (
    SELECT id FROM outbox
    WHERE channel = $1
      AND ((status = 'pending' AND next_attempt_at <= $2) OR (status = 'sending' AND lease_until <= $2))
      -- One recipient's messages go out in the order they were queued,
      -- across retries and crashes: only the oldest unfinished row of a
      -- contact is ever claimed.
      AND NOT EXISTS (
          SELECT 1 FROM outbox older
          WHERE older.contact_id = outbox.contact_id AND older.channel = outbox.channel
            AND older.id < outbox.id AND older.status IN ('pending', 'sending')
      )
    ORDER BY next_attempt_at, id
    LIMIT $5
    FOR UPDATE SKIP LOCKED
)
RETURNING id, channel, contact_id, address, body, status, attempts, next_attempt_at, provider_id, delivery_status, last_error, created_at, sent_at, in_doubt;
