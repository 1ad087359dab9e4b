-- Delivery reports from providers (Twilio status callbacks), one row per
-- provider message id, for outbox messages and TwiML replies alike.
-- rank orders the statuses of one message (queued < sent < delivered …) so
-- a callback that arrives late never moves a message backwards.

-- +goose Up
CREATE TABLE delivery_statuses (
    channel     TEXT    NOT NULL,
    provider_id TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    rank        INTEGER NOT NULL,
    error_code  TEXT    NOT NULL DEFAULT '',
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (channel, provider_id)
) STRICT;

-- +goose Down
DROP TABLE delivery_statuses;
