-- Postgres overrides of queries in outbox.sql.

-- name: ClaimOutbound
-- SKIP LOCKED lets several instances claim at once, each taking rows the
-- others have not locked, without waiting on each other.
UPDATE outbox
SET status = 'sending', attempts = attempts + 1, lease_until = $3, claim_token = $4
WHERE id IN (
    SELECT id FROM outbox
    WHERE channel = $1
      AND ((status = 'pending' AND next_attempt_at <= $2) OR (status = 'sending' AND lease_until <= $2))
    ORDER BY next_attempt_at, id
    LIMIT $5
    FOR UPDATE SKIP LOCKED
)
RETURNING id, channel, contact_id, address, body, status, attempts, next_attempt_at, provider_id, delivery_status, last_error, created_at, sent_at;
