-- Quick exit (store/quickexit.go): a simulator visitor's transcript is
-- erased. The contact row goes too unless a report references it.

-- name: QuickExitOutbox
DELETE FROM outbox WHERE contact_id = $1;

-- name: QuickExitMessages
DELETE FROM messages WHERE contact_id = $1;

-- name: QuickExitConversation
DELETE FROM conversations WHERE contact_id = $1;

-- name: QuickExitContact
DELETE FROM contacts WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM reports WHERE contact_id = $1);
