-- Privacy (version range 00060–00069): what belongs to a report. See the
-- Postgres file of the same version for the design.

-- +goose Up
CREATE TABLE intake_sessions (
    contact_id       INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
    first_message_id INTEGER NOT NULL,
    started_at       TEXT    NOT NULL
) STRICT;

ALTER TABLE reports ADD COLUMN first_message_id INTEGER;
ALTER TABLE reports ADD COLUMN last_message_id INTEGER;

-- +goose Down
ALTER TABLE reports DROP COLUMN last_message_id;
ALTER TABLE reports DROP COLUMN first_message_id;
DROP TABLE intake_sessions;
