-- Core schema for SQLite: contacts, their conversation state, and messages.
--
-- Version range 00001–00009 belongs to the core store. Other teams use
-- 00010–00019 (SMS), 00020–00029 (intake) and 00030–00039 (Discord).
--
-- Differences from the Postgres schema are deliberate and few:
--   * ids are INTEGER PRIMARY KEY AUTOINCREMENT (never reused, like an identity);
--   * booleans are INTEGER 0/1;
--   * times are TEXT in fixed-width RFC 3339 UTC with microseconds,
--     e.g. 2025-01-02T03:04:05.123456Z, so text order is time order;
--   * tables are STRICT, so a wrongly typed value fails instead of being stored.

-- +goose Up
CREATE TABLE contacts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    channel    TEXT    NOT NULL,
    address    TEXT    NOT NULL,
    lang       TEXT    NOT NULL DEFAULT '',
    opted_out  INTEGER NOT NULL DEFAULT 0 CHECK (opted_out IN (0, 1)),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    CONSTRAINT contacts_channel_address_key UNIQUE (channel, address)
) STRICT;

-- One row per contact: the conversation engine's state as an opaque blob.
CREATE TABLE conversations (
    contact_id INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
    state      BLOB    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT    NOT NULL
) STRICT;

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    direction   TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    channel     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    external_id TEXT,
    in_reply_to INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    status      TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL
) STRICT;

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
