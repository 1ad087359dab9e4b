-- Outbox queries: messages waiting to be sent by the dispatcher in
-- bot/outbox. The claim is overridden for Postgres in outbox.postgres.sql
-- (FOR UPDATE SKIP LOCKED); on SQLite the IMMEDIATE transaction already
-- serialises claims.

-- name: EnqueueOutbound
-- A repeated dedupe_key (a replayed webhook's replies) inserts nothing
-- and returns no row.
INSERT INTO outbox (channel, contact_id, address, body, status, attempts, next_attempt_at, created_at, key_id, report_id, dedupe_key, template)
VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6, $7, NULLIF($8, 0), $9, $10)
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id;

-- name: SuppressOptedOutOutbound
-- Due rows of contacts who opted out are never sent.
UPDATE outbox
SET status = 'suppressed', last_error = 'contact opted out', lease_until = NULL, claim_token = NULL
WHERE channel = $1
  AND ((status = 'pending' AND next_attempt_at <= $2) OR (status = 'sending' AND lease_until <= $2))
  AND contact_id IN (SELECT id FROM contacts WHERE opted_out);

-- name: ClaimOutbound
-- Due pending rows, and rows whose claimer's lease ran out, oldest due first.
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
)
RETURNING id, channel, contact_id, address, body, status, attempts, next_attempt_at, provider_id, delivery_status, last_error, created_at, sent_at, in_doubt;

-- name: MarkOutboundSent
UPDATE outbox
SET status = 'sent', provider_id = $3, sent_at = $4, last_error = '', lease_until = NULL, claim_token = NULL, in_doubt = FALSE
WHERE id = $1 AND claim_token = $2 AND status = 'sending';

-- name: RetryOutbound
UPDATE outbox
-- $5: the attempt may have reached the provider (a timeout, a network
-- error), so the next one asks it first.
SET status = 'pending', next_attempt_at = $3, last_error = $4, lease_until = NULL, claim_token = NULL, in_doubt = $5
WHERE id = $1 AND claim_token = $2 AND status = 'sending';

-- name: DeferOutbound
-- Nothing was tried: the attempt the claim counted is given back.
UPDATE outbox
SET status = 'pending', next_attempt_at = $3, attempts = attempts - 1, lease_until = NULL, claim_token = NULL
WHERE id = $1 AND claim_token = $2 AND status = 'sending';

-- name: FinishOutbound
-- Ends a claimed row as 'failed' or 'suppressed'.
UPDATE outbox
SET status = $3, last_error = $4, lease_until = NULL, claim_token = NULL
WHERE id = $1 AND claim_token = $2 AND status = 'sending';

-- name: OutboundByID
SELECT id, channel, contact_id, address, body, status, attempts, next_attempt_at, provider_id, delivery_status, last_error, created_at, sent_at, in_doubt
FROM outbox
WHERE id = $1;

-- name: OutboundByContact
SELECT id, channel, contact_id, address, body, status, attempts, next_attempt_at, provider_id, delivery_status, last_error, created_at, sent_at, in_doubt
FROM outbox
WHERE contact_id = $1
ORDER BY id;

-- name: ExtendOutboundClaim
-- The dispatcher's heartbeat: its claim's rows stay leased while it works.
UPDATE outbox SET lease_until = $2 WHERE claim_token = $1 AND status = 'sending';

-- name: RecordOutboundCallback
-- A status callback names the row (the callback URL carries its id): the
-- provider has the message, so the row is sent, whatever the dispatcher
-- managed to record before it crashed or timed out. Rows already ended
-- keep their status.
UPDATE outbox
SET provider_id = COALESCE(provider_id, $3),
    sent_at = CASE WHEN status IN ('pending', 'sending') THEN $4 ELSE sent_at END,
    last_error = CASE WHEN status IN ('pending', 'sending') THEN '' ELSE last_error END,
    lease_until = CASE WHEN status IN ('pending', 'sending') THEN NULL ELSE lease_until END,
    claim_token = CASE WHEN status IN ('pending', 'sending') THEN NULL ELSE claim_token END,
    in_doubt = FALSE,
    status = CASE WHEN status IN ('pending', 'sending') THEN 'sent' ELSE status END
WHERE id = $1 AND channel = $2;

-- name: OutboundProviderIDs
-- The provider ids already recorded for a contact's rows: a lookup for an
-- in-doubt row must not take one of them for its own.
SELECT provider_id FROM outbox WHERE contact_id = $1 AND channel = $2 AND provider_id IS NOT NULL;

-- name: SetOutboundDeliveryStatus
UPDATE outbox SET delivery_status = $3 WHERE channel = $1 AND provider_id = $2;

-- name: OutboundTemplate
SELECT template FROM outbox WHERE id = $1;

-- name: LastInbound
-- The newest inbound message of a contact, walking its messages newest
-- first (messages_contact_id_idx).
SELECT created_at FROM messages WHERE contact_id = $1 AND direction = 'in' ORDER BY id DESC LIMIT 1;
