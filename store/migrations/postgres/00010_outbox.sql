-- Outbox: messages that are not replies to an inbound message (staff
-- updates, reminders, Discord DMs), written in the caller's transaction and
-- sent later by the dispatcher in bot/outbox. Generic across channels.
--
-- Version range 00010–00019 belongs to SMS (and the outbox).
--
-- status moves pending → sending → sent | failed | suppressed; a row in
-- sending whose lease_until has passed was claimed by an instance that
-- died, and is claimed again. claim_token identifies one claim, so a
-- worker whose lease expired cannot overwrite the outcome of the next.

-- +goose Up
CREATE TABLE outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel         TEXT        NOT NULL,
    contact_id      BIGINT      NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    address         TEXT        NOT NULL,
    body            TEXT        NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'suppressed')),
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_until     TIMESTAMPTZ,
    claim_token     TEXT,
    provider_id     TEXT,
    delivery_status TEXT        NOT NULL DEFAULT '',
    last_error      TEXT        NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);

-- The dispatcher's claim scans due work only: pending rows by due time and
-- sending rows by lease expiry.
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_lease_idx ON outbox (lease_until) WHERE status = 'sending';

-- Delivery-status callbacks find the row by the provider's message id.
CREATE INDEX outbox_provider_id_idx ON outbox (channel, provider_id) WHERE provider_id IS NOT NULL;

CREATE INDEX outbox_contact_id_idx ON outbox (contact_id, id);

-- +goose Down
DROP TABLE outbox;
