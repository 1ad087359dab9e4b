-- Discreet mode (store/discreet.go).

-- name: SetContactDiscreet
UPDATE contacts SET discreet = $2, updated_at = $3 WHERE id = $1;

-- name: ContactDiscreet
SELECT discreet FROM contacts WHERE id = $1;

-- name: HeldMessages
-- The held (not yet read) outbound messages of a contact, oldest first.
SELECT id, contact_id, direction, channel, body, external_id, in_reply_to, status, created_at
FROM messages
WHERE contact_id = $1 AND direction = 'out' AND status = 'held'
ORDER BY id;

-- name: ReleaseHeldMessages
UPDATE messages SET status = 'read' WHERE contact_id = $1 AND direction = 'out' AND status = 'held';
