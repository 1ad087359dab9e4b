-- Media (version range 00135–00139): photos and documents a resident sends
-- during a report. See the Postgres file of the same version for the design.

-- +goose Up
CREATE TABLE media (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id    INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    message_id    INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    report_id     INTEGER REFERENCES reports (id) ON DELETE CASCADE,
    channel       TEXT    NOT NULL,
    position      INTEGER NOT NULL,
    source        BLOB    NOT NULL DEFAULT X'',
    claimed_type  TEXT    NOT NULL DEFAULT '',
    state         TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'fetching', 'stored', 'refused')),
    refusal       TEXT    NOT NULL DEFAULT '',
    content_type  TEXT    NOT NULL DEFAULT '',
    size          INTEGER NOT NULL DEFAULT 0,
    location      TEXT    NOT NULL DEFAULT 'strip' CHECK (location IN ('strip', 'keep')),
    stripped      INTEGER NOT NULL DEFAULT 0 CHECK (stripped IN (0, 1)),
    data          BLOB,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT  NOT NULL,
    lease_until   TEXT,
    claim_token   TEXT,
    notified      INTEGER NOT NULL DEFAULT 0 CHECK (notified IN (0, 1)),
    key_id        TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL,
    fetched_at    TEXT,
    UNIQUE (message_id, position)
) STRICT;
CREATE INDEX media_contact_idx ON media (contact_id, report_id);
CREATE INDEX media_report_idx ON media (report_id);
CREATE INDEX media_due_idx ON media (next_attempt_at, id) WHERE state IN ('pending', 'fetching');

-- +goose Down
DROP TABLE media;
