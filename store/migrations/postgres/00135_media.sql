-- Media (version range 00135–00139): photos and documents a resident sends
-- during a report (MMS, WhatsApp, a Discord attachment).
--
-- The runtime inserts a row per attachment in the transaction that stores
-- the inbound message (state 'pending', source = the provider's URL,
-- sealed); the media worker claims due rows (FOR UPDATE SKIP LOCKED, a
-- lease and a claim token, as the outbox does), fetches, checks the type
-- from the bytes and the size, strips location metadata, and stores the
-- bytes sealed in data ('stored', source blanked) or records why it could
-- not ('refused'). A row lives exactly as long as its message (ON DELETE
-- CASCADE: a dropped intake, an erasure, the retention purge of messages
-- that belong to no report) and its report (a purged closed report).
-- report_id is set when the report is filed.

-- +goose Up
CREATE TABLE media (
    id              BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id      BIGINT      NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    message_id      BIGINT      NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    report_id       BIGINT      REFERENCES reports (id) ON DELETE CASCADE,
    channel         TEXT        NOT NULL,
    position        INTEGER     NOT NULL,
    source          BYTEA       NOT NULL DEFAULT '\x'::bytea,
    claimed_type    TEXT        NOT NULL DEFAULT '',
    state           TEXT        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'fetching', 'stored', 'refused')),
    refusal         TEXT        NOT NULL DEFAULT '',
    content_type    TEXT        NOT NULL DEFAULT '',
    size            INTEGER     NOT NULL DEFAULT 0,
    location        TEXT        NOT NULL DEFAULT 'strip' CHECK (location IN ('strip', 'keep')),
    stripped        BOOLEAN     NOT NULL DEFAULT FALSE,
    data            BYTEA,
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_until     TIMESTAMPTZ,
    claim_token     TEXT,
    notified        BOOLEAN     NOT NULL DEFAULT FALSE,
    key_id          TEXT        NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    fetched_at      TIMESTAMPTZ,
    UNIQUE (message_id, position)
);
CREATE INDEX media_contact_idx ON media (contact_id, report_id);
CREATE INDEX media_report_idx ON media (report_id);
CREATE INDEX media_due_idx ON media (next_attempt_at, id) WHERE state IN ('pending', 'fetching');

-- +goose Down
DROP TABLE media;
