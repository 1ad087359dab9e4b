-- Media: photos and documents sent during a report (media.go).

-- name: IntakeMediaCount
-- The contact's open intake (no row: none) and how many of its media are
-- not refused.
SELECT s.first_message_id,
       (SELECT COUNT(*) FROM media m
        WHERE m.contact_id = s.contact_id AND m.report_id IS NULL
          AND m.message_id >= s.first_message_id AND m.state <> 'refused')
FROM intake_sessions s WHERE s.contact_id = $1;

-- name: InsertMedia
INSERT INTO media (contact_id, message_id, channel, position, source, claimed_type, location, next_attempt_at, key_id, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8);

-- name: AttachIntakeMedia
UPDATE media SET report_id = $3
WHERE contact_id = $1 AND report_id IS NULL AND message_id >= $2;

-- name: ClaimMedia
-- Due pending rows, and rows whose claimer's lease ran out, oldest first.
UPDATE media
SET state = 'fetching', attempts = attempts + 1, lease_until = $2, claim_token = $3
WHERE id IN (
    SELECT id FROM media
    WHERE (state = 'pending' AND next_attempt_at <= $1) OR (state = 'fetching' AND lease_until <= $1)
    ORDER BY next_attempt_at, id
    LIMIT $4
)
RETURNING id, contact_id, message_id, channel, source, claimed_type, location, attempts;

-- name: StoreMediaData
UPDATE media
SET state = 'stored', content_type = $3, size = $4, stripped = $5, data = $6, source = $7, key_id = $8,
    fetched_at = $9, lease_until = NULL, claim_token = NULL, refusal = ''
WHERE id = $1 AND claim_token = $2 AND state = 'fetching';

-- name: RefuseMedia
UPDATE media
SET state = 'refused', refusal = $3, content_type = $4, size = $5, source = $6, data = NULL, key_id = $7,
    fetched_at = $8, lease_until = NULL, claim_token = NULL
WHERE id = $1 AND claim_token = $2 AND state = 'fetching';

-- name: RetryMedia
UPDATE media
SET state = 'pending', next_attempt_at = $3, lease_until = NULL, claim_token = NULL
WHERE id = $1 AND claim_token = $2 AND state = 'fetching';

-- name: MarkMediaNotified
-- The message's refusal notice is queued once: the first refusal of the
-- message to set it wins.
UPDATE media SET notified = TRUE WHERE message_id = $1 AND NOT notified;

-- name: ReportMedia
SELECT id, contact_id, message_id, COALESCE(report_id, 0), channel, position, claimed_type, state, refusal,
       content_type, size, location, stripped, created_at
FROM media WHERE report_id = $1 ORDER BY message_id, position;

-- name: ReportMediaData
SELECT id, contact_id, message_id, COALESCE(report_id, 0), channel, position, claimed_type, state, refusal,
       content_type, size, location, stripped, created_at, data
FROM media WHERE report_id = $1 AND id = $2;

-- name: ContactMediaCount
SELECT COUNT(*) FROM media WHERE contact_id = $1;

-- name: DeleteContactMedia
DELETE FROM media WHERE contact_id = $1;

-- name: IntakeLocationChoice
-- The latest location word (KEEP LOCATION, REMOVE LOCATION) the contact
-- sent during the open intake, if any.
SELECT m.status FROM messages m JOIN intake_sessions s ON s.contact_id = m.contact_id
WHERE m.contact_id = $1 AND m.direction = 'in' AND m.id >= s.first_message_id
  AND m.status IN ('location.keep', 'location.remove')
ORDER BY m.id DESC LIMIT 1;
