-- One person across channels. See the Postgres file of the same version.

-- +goose Up
CREATE TABLE persons (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT    NOT NULL
) STRICT;

ALTER TABLE contacts ADD COLUMN person_id INTEGER REFERENCES persons (id) ON DELETE SET NULL;
CREATE INDEX contacts_person_idx ON contacts (person_id) WHERE person_id IS NOT NULL;

CREATE TABLE link_codes (
    contact_id   INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
    code_hash    TEXT    NOT NULL UNIQUE,
    index_key_id TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL
) STRICT;
CREATE INDEX link_codes_expires_idx ON link_codes (expires_at);

-- +goose Down
DROP TABLE link_codes;
DROP INDEX contacts_person_idx;
ALTER TABLE contacts DROP COLUMN person_id;
DROP TABLE persons;
