-- Privacy: pending erasure requests and the consent ledger. See the
-- Postgres file of the same version.

-- +goose Up
CREATE TABLE erase_requests (
    contact_id   INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
    message_id   INTEGER NOT NULL,
    requested_at TEXT    NOT NULL
) STRICT;

CREATE TABLE consents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id   INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    report_id    INTEGER REFERENCES reports (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('texts', 'share_report', 'discreet')),
    granted      INTEGER NOT NULL CHECK (granted IN (0, 1)),
    channel      TEXT    NOT NULL,
    text_id      TEXT    NOT NULL,
    text_lang    TEXT    NOT NULL DEFAULT '',
    text_version TEXT    NOT NULL,
    created_at   TEXT    NOT NULL
) STRICT;

CREATE INDEX consents_contact_id_idx ON consents (contact_id, id);
CREATE INDEX consents_report_id_idx ON consents (report_id, id);

-- +goose Down
DROP TABLE consents;
DROP TABLE erase_requests;
