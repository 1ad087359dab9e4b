-- Core schema for Postgres: contacts, their conversation state, and messages.
--
-- Version range 00001–00009 belongs to the core store. Other teams use
-- 00010–00019 (SMS), 00020–00029 (intake) and 00030–00039 (Discord).
--
-- Never qualify names with a schema (no "public."): tests run each case in
-- its own schema selected through search_path.
--
-- Times are TIMESTAMPTZ; the store writes them in UTC, truncated to the
-- microsecond.

-- +goose Up
CREATE TABLE contacts (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel    TEXT        NOT NULL,
    address    TEXT        NOT NULL,
    lang       TEXT        NOT NULL DEFAULT '',
    opted_out  BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT contacts_channel_address_key UNIQUE (channel, address)
);

-- One row per contact: the conversation engine's state as an opaque blob.
CREATE TABLE conversations (
    contact_id BIGINT      PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
    state      BYTEA       NOT NULL,
    version    BIGINT      NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE messages (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id  BIGINT      NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    direction   TEXT        NOT NULL CHECK (direction IN ('in', 'out')),
    channel     TEXT        NOT NULL,
    body        TEXT        NOT NULL,
    external_id TEXT,
    in_reply_to BIGINT      REFERENCES messages (id) ON DELETE SET NULL,
    status      TEXT        NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL
);

-- A provider id identifies an inbound message at most once: a retried
-- webhook conflicts here and is answered from the stored replies.
CREATE UNIQUE INDEX messages_inbound_external_id_key
    ON messages (channel, external_id)
    WHERE direction = 'in' AND external_id IS NOT NULL;

-- Delivery-status callbacks look messages up by provider id in either direction.
CREATE INDEX messages_external_id_idx
    ON messages (channel, external_id)
    WHERE external_id IS NOT NULL;

CREATE INDEX messages_contact_id_idx ON messages (contact_id, id);

CREATE INDEX messages_in_reply_to_idx
    ON messages (in_reply_to)
    WHERE in_reply_to IS NOT NULL;

-- +goose Down
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE contacts;
