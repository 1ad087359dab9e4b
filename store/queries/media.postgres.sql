-- Postgres overrides of queries in media.sql.

-- name: ClaimMedia
-- SKIP LOCKED lets several instances claim at once, each taking rows the
-- others have not locked.
UPDATE media
SET state = 'fetching', attempts = attempts + 1, lease_until = $2, claim_token = $3
WHERE id IN (
    SELECT id FROM media
    WHERE (state = 'pending' AND next_attempt_at <= $1) OR (state = 'fetching' AND lease_until <= $1)
    ORDER BY next_attempt_at, id
    LIMIT $4
    FOR UPDATE SKIP LOCKED
)
RETURNING id, contact_id, message_id, channel, source, claimed_type, location, attempts;
