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
-- The messages of a dropped intake: its inbound messages from the first up
-- to, not including, the message being handled (whose replies still refer
-- to it), and the replies to them. Messages answered outside the
-- conversation (aside: STATUS, HELP …) and messages that reply to nothing
-- (staff updates) are not the intake's and stay.
DELETE FROM messages
WHERE contact_id = $1 AND NOT aside AND (
    (direction = 'in' AND id >= $2 AND id < $3)
    OR (direction = 'out' AND in_reply_to IN (
        SELECT i.id FROM messages i
        WHERE i.contact_id = $1 AND i.direction = 'in' AND NOT i.aside AND i.id >= $2 AND i.id < $3)));

-- name: ReportTranscript
-- The messages of one report's intake: its inbound messages from the first
-- to the one that confirmed it, and the replies to them. An inbound message
-- answered outside the conversation (aside: a STATUS in the middle of the
-- intake names the contact's other reports) and its replies are left out,
-- and so are outbound messages that reply to nothing (staff updates about
-- other reports, held discreet texts).
SELECT id, contact_id, direction, channel, body, external_id, in_reply_to, status, created_at
FROM messages
WHERE contact_id = $1 AND NOT aside AND (
    (direction = 'in' AND id >= $2 AND id <= $3)
    OR (direction = 'out' AND in_reply_to IN (
        SELECT i.id FROM messages i
        WHERE i.contact_id = $1 AND i.direction = 'in' AND NOT i.aside AND i.id >= $2 AND i.id <= $3)))
ORDER BY id;

-- name: MarkMessageAside
-- The inbound message was answered outside the conversation.
UPDATE messages SET aside = TRUE WHERE id = $1;

-- name: UpsertEraseRequest
INSERT INTO erase_requests (contact_id, message_id, requested_at)
VALUES ($1, $2, $3)
ON CONFLICT (contact_id) DO UPDATE
SET message_id = excluded.message_id, requested_at = excluded.requested_at;

-- name: EraseRequest
SELECT message_id, requested_at FROM erase_requests WHERE contact_id = $1;

-- name: DeleteEraseRequest
DELETE FROM erase_requests WHERE contact_id = $1;

-- name: PreviousInbound
SELECT COALESCE(MAX(id), 0) FROM messages WHERE contact_id = $1 AND direction = 'in' AND id < $2;

-- name: WithdrawReports
-- Erasure, reports no commission has accepted: withdrawn by the resident,
-- with everything they wrote erased and the link to them removed.
UPDATE reports
SET status = 'closed', close_reason = 'withdrawn by the resident',
    narrative = '', respondent_name = '', respondent_key = '', contact_phone = '', safe_times = '',
    contact_method = 'none', contact_id = $2,
    first_message_id = NULL, last_message_id = NULL, updated_at = $3
WHERE contact_id = $1 AND status IN ('new', 'in_review')
RETURNING id;

-- name: UnlinkReports
-- Erasure, reports a commission accepted, referred or closed: the case
-- record stays; how to reach the person and the link to them go.
UPDATE reports
SET contact_phone = '', safe_times = '', contact_method = 'none', contact_id = $2,
    first_message_id = NULL, last_message_id = NULL, updated_at = $3
WHERE contact_id = $1
RETURNING id;

-- name: DeleteReportNotes
DELETE FROM report_notes WHERE report_id = $1;

-- name: DeleteContactOutbox
DELETE FROM outbox WHERE contact_id = $1;

-- name: DeleteContactConversation
DELETE FROM conversations WHERE contact_id = $1;

-- name: UnlinkReportConsents
UPDATE consents SET contact_id = NULL WHERE contact_id = $1 AND report_id IS NOT NULL;

-- name: DeleteContactConsents
DELETE FROM consents WHERE contact_id = $1;

-- name: DeleteContactMessages
DELETE FROM messages WHERE contact_id = $1 AND id <> $2;

-- name: BlankMessage
UPDATE messages SET body = '' WHERE id = $1;

-- name: AnonymiseContact
UPDATE contacts SET address = $2, address_hash = $3, lang = '', updated_at = $4, key_id = $5, index_key_id = $6 WHERE id = $1;

-- name: DeleteContact
DELETE FROM contacts WHERE id = $1;

-- name: InsertConsent
INSERT INTO consents (contact_id, report_id, kind, granted, channel, text_id, text_lang, text_version, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id;

-- name: ReportConsents
-- A report's ledger: the consents given for it, and the contact's own
-- (texts, discreet mode) up to now.
SELECT id, COALESCE(contact_id, 0), COALESCE(report_id, 0), kind, granted, channel, text_id, text_lang, text_version, created_at
FROM consents
WHERE report_id = $1 OR (report_id IS NULL AND contact_id = $2)
ORDER BY id;

-- name: ContactConsents
SELECT id, COALESCE(contact_id, 0), COALESCE(report_id, 0), kind, granted, channel, text_id, text_lang, text_version, created_at
FROM consents
WHERE contact_id = $1
ORDER BY id;

-- name: PurgeOutbox
DELETE FROM outbox WHERE status IN ('sent', 'failed', 'suppressed') AND created_at < $1;

-- name: PurgeDeliveryStatuses
DELETE FROM delivery_statuses WHERE updated_at < $1;

-- name: PurgeClosedReportsOf
DELETE FROM reports WHERE status = 'closed' AND COALESCE(commission_id, '') = $1 AND updated_at < $2;

-- name: PurgeClosedReportsExcept
-- $2 is '|id1|id2|': the commissions with a schedule of their own.
DELETE FROM reports
WHERE status = 'closed' AND updated_at < $1
  AND strpos($2, '|' || COALESCE(commission_id, '') || '|') = 0;

-- name: PurgeLooseMessages
-- Messages older than $1 that belong to no report's intake (its inbound
-- messages that are not aside, and the replies to them: the report's
-- transcript), and to no intake in progress.
DELETE FROM messages
WHERE created_at < $1
  AND NOT EXISTS (
      SELECT 1 FROM reports r
      WHERE r.contact_id = messages.contact_id
        AND ((messages.direction = 'in' AND NOT messages.aside
              AND messages.id >= r.first_message_id AND messages.id <= r.last_message_id)
          OR (messages.direction = 'out' AND EXISTS (
              SELECT 1 FROM messages i
              WHERE i.id = messages.in_reply_to AND i.direction = 'in' AND NOT i.aside
                AND i.id >= r.first_message_id AND i.id <= r.last_message_id))))
  AND NOT EXISTS (
      SELECT 1 FROM intake_sessions i
      WHERE i.contact_id = messages.contact_id AND messages.id >= i.first_message_id);

-- name: PurgeIdleConversations
DELETE FROM conversations WHERE updated_at < $1;

-- name: PurgeEmptyContactConsents
DELETE FROM consents
WHERE report_id IS NULL AND contact_id IN (
    SELECT c.id FROM contacts c
    WHERE c.updated_at < $1 AND c.channel <> 'erased'
      AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.contact_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.contact_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.contact_id = c.id));

-- name: KeepOptOutsOfEmptyContacts
-- Before PurgeEmptyContacts (same conditions): the opted-out among them
-- leave their keyed index (and sealed address, for index rotation), so
-- the address stays opted out.
INSERT INTO suppressions (channel, address_hash, address, key_id, index_key_id, created_at)
SELECT channel, address_hash, address, key_id, index_key_id, $2 FROM contacts
WHERE opted_out AND address_hash IS NOT NULL
  AND updated_at < $1 AND channel <> 'erased'
  AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.contact_id = contacts.id)
  AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.contact_id = contacts.id)
  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.contact_id = contacts.id)
ON CONFLICT (channel, address_hash) DO NOTHING;

-- name: PurgeEmptyContacts
DELETE FROM contacts
WHERE updated_at < $1 AND channel <> 'erased'
  AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.contact_id = contacts.id)
  AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.contact_id = contacts.id)
  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.contact_id = contacts.id);

-- name: ConsumeSuppression
-- A new contact for a suppressed address: it starts opted out, and the
-- contact row holds the opt-out from now on.
DELETE FROM suppressions WHERE channel = $1 AND address_hash = $2;

-- name: OptOutContact
UPDATE contacts SET opted_out = TRUE WHERE id = $1;
