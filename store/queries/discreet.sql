-- Discreet mode (store/discreet.go).

-- name: ContactDiscreet
SELECT discreet FROM contacts WHERE id = $1;

-- name: HeldMessages
-- The held (not yet read) outbound messages of a contact and the contacts
-- linked with it (link.sql), oldest first.
SELECT id, contact_id, direction, channel, body, external_id, in_reply_to, status, created_at
FROM messages
WHERE contact_id IN (SELECT id FROM contacts WHERE id = $1 OR (person_id IS NOT NULL AND person_id = (SELECT person_id FROM contacts WHERE id = $1)))
  AND direction = 'out' AND status = 'held'
ORDER BY id;

-- name: ReleaseHeldMessages
UPDATE messages SET status = 'read'
WHERE contact_id IN (SELECT id FROM contacts WHERE id = $1 OR (person_id IS NOT NULL AND person_id = (SELECT person_id FROM contacts WHERE id = $1)))
  AND direction = 'out' AND status = 'held';
