-- Privacy: a resident's pending request to erase their data, and the
-- consent ledger.
--
-- erase_requests: DELETE (or its word in the resident's language) records
-- the message that asked; YES as the very next message erases.
--
-- consents: what a contact agreed (or declined) to, when, on which channel,
-- and the exact text they were shown (its message id, language and a hash
-- of the rendered text). A consent given for a report keeps its report_id;
-- an erasure removes the link to the person and keeps the entry with the
-- report the commission keeps.

-- +goose Up
CREATE TABLE erase_requests (
    contact_id   BIGINT      PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
    message_id   BIGINT      NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE consents (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id   BIGINT      REFERENCES contacts (id) ON DELETE SET NULL,
    report_id    BIGINT      REFERENCES reports (id) ON DELETE CASCADE,
    kind         TEXT        NOT NULL CHECK (kind IN ('texts', 'share_report', 'discreet')),
    granted      BOOLEAN     NOT NULL,
    channel      TEXT        NOT NULL,
    text_id      TEXT        NOT NULL,
    text_lang    TEXT        NOT NULL DEFAULT '',
    text_version TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE INDEX consents_contact_id_idx ON consents (contact_id, id);
CREATE INDEX consents_report_id_idx ON consents (report_id, id);

-- +goose Down
DROP TABLE consents;
DROP TABLE erase_requests;
