-- Privacy (version range 00060–00069): what belongs to a report.
--
-- intake_sessions holds, per contact, the first message of the intake in
-- progress. When the report is filed its range of messages (that first
-- message to the one that confirmed it, and the replies to that one) is
-- copied onto the report, and staff see only those messages. When the
-- resident declines consent or cancels, the messages of the range are
-- deleted and the session row with them.

-- +goose Up
CREATE TABLE intake_sessions (
    contact_id       BIGINT      PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
    first_message_id BIGINT      NOT NULL,
    started_at       TIMESTAMPTZ NOT NULL
);

-- NULL on reports filed before the range was recorded: they show no
-- transcript at all rather than the contact's whole history.
ALTER TABLE reports ADD COLUMN first_message_id BIGINT;
ALTER TABLE reports ADD COLUMN last_message_id BIGINT;

-- +goose Down
ALTER TABLE reports DROP COLUMN last_message_id;
ALTER TABLE reports DROP COLUMN first_message_id;
DROP TABLE intake_sessions;
