-- Delivery-status queries (provider status callbacks).

-- name: RecordDeliveryStatus
-- Returns a row only when the report was applied: a report ranked below
-- the one stored (a late "sent" after "delivered") changes nothing.
INSERT INTO delivery_statuses (channel, provider_id, status, rank, error_code, updated_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (channel, provider_id) DO UPDATE
SET status = excluded.status, rank = excluded.rank, error_code = excluded.error_code, updated_at = excluded.updated_at
WHERE delivery_statuses.rank <= excluded.rank
RETURNING status;

-- name: DeliveryStatus
SELECT channel, provider_id, status, rank, error_code, updated_at
FROM delivery_statuses
WHERE channel = $1 AND provider_id = $2;
