-- Outbox: messages that are not replies to an inbound message (staff
-- updates, reminders, Discord DMs), written in the caller's transaction and
-- sent later by the dispatcher in bot/outbox. Generic across channels.
-- Same shape as the Postgres table; times are fixed-width UTC text, so text
-- order is time order.
--
-- Version range 00010–00019 belongs to SMS (and the outbox).

-- +goose Up
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    channel         TEXT    NOT NULL,
    contact_id      INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    address         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'suppressed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    lease_until     TEXT,
    claim_token     TEXT,
    provider_id     TEXT,
    delivery_status TEXT    NOT NULL DEFAULT '',
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    sent_at         TEXT
) STRICT;

CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_lease_idx ON outbox (lease_until) WHERE status = 'sending';
CREATE INDEX outbox_provider_id_idx ON outbox (channel, provider_id) WHERE provider_id IS NOT NULL;
CREATE INDEX outbox_contact_id_idx ON outbox (contact_id, id);

-- +goose Down
DROP TABLE outbox;
