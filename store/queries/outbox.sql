-- Outbox queries: messages waiting to be sent by the dispatcher in
-- bot/outbox. The claim is overridden for Postgres in outbox.postgres.sql
-- (FOR UPDATE SKIP LOCKED); on SQLite the IMMEDIATE transaction already
-- serialises claims.

-- name: EnqueueOutbound
INSERT INTO outbox (channel, contact_id, address, body, status, attempts, next_attempt_at, created_at, key_id, report_id)
VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6, $7, NULLIF($8, 0))
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
SET status = 'sending', attempts = attempts + 1, lease_until = $3, claim_token = $4
WHERE id IN (
    SELECT id FROM outbox
    WHERE channel = $1
      AND ((status = 'pending' AND next_attempt_at <= $2) OR (status = 'sending' AND lease_until <= $2))
    ORDER BY next_attempt_at, id
    LIMIT $5
)
RETURNING id, channel, contact_id, address, body, status, attempts, next_attempt_at, provider_id, delivery_status, last_error, created_at, sent_at;

-- name: MarkOutboundSent
UPDATE outbox
SET status = 'sent', provider_id = $3, sent_at = $4, last_error = '', lease_until = NULL, claim_token = NULL
WHERE id = $1 AND claim_token = $2 AND status = 'sending';

-- name: RetryOutbound
UPDATE outbox
SET status = 'pending', next_attempt_at = $3, last_error = $4, lease_until = NULL, claim_token = NULL
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
SELECT id, channel, contact_id, address, body, status, attempts, next_attempt_at, provider_id, delivery_status, last_error, created_at, sent_at
FROM outbox
WHERE id = $1;

-- name: OutboundByContact
SELECT id, channel, contact_id, address, body, status, attempts, next_attempt_at, provider_id, delivery_status, last_error, created_at, sent_at
FROM outbox
WHERE contact_id = $1
ORDER BY id;

-- name: SetOutboundDeliveryStatus
UPDATE outbox SET delivery_status = $3 WHERE channel = $1 AND provider_id = $2;
