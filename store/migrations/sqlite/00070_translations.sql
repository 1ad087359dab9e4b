-- Translators and their edits (issue 13, the reviewer workflow): see the
-- Postgres file of the same version. Version range 00070–00079 belongs to
-- translations. SQLite cannot alter a CHECK constraint; the Go migration
-- 00071 (migrate_translator.go) widens staff's role checks to 'translator'.

-- +goose Up
CREATE TABLE staff_langs (
    staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    lang     TEXT    NOT NULL CHECK (lang <> ''),
    PRIMARY KEY (staff_id, lang)
) STRICT;

CREATE TABLE translation_edits (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    lang        TEXT    NOT NULL,
    message_id  TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    source_hash TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('draft', 'reviewed')),
    staff_id    INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    staff_name  TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
) STRICT;

CREATE INDEX translation_edits_message_idx ON translation_edits (lang, message_id, id);

-- +goose Down
DROP TABLE translation_edits;
DROP TABLE staff_langs;
