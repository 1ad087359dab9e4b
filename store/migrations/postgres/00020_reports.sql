-- Intake schema for Postgres: the commissions reports are routed to, and the
-- reports residents file.
--
-- Version range 00020–00029 belongs to intake. Never qualify names with a
-- schema (tests select one through search_path). Dates without a time
-- (incident date, filing deadline) are TEXT 'YYYY-MM-DD' on both backends,
-- so the same queries and the same Go code serve both, and the queue sorts
-- by deadline in plain text order.

-- +goose Up
CREATE TABLE commissions (
    id             TEXT        PRIMARY KEY,          -- stable slug, e.g. 'dc-ohr'
    name           TEXT        NOT NULL,
    jurisdiction   TEXT        NOT NULL,             -- jurisdiction id, e.g. 'dc'
    contact        TEXT        NOT NULL DEFAULT '',  -- phone, e-mail, web, as published
    languages      TEXT        NOT NULL DEFAULT '',  -- comma-separated language tags served
    deadlines_json TEXT        NOT NULL DEFAULT '[]',
    active         BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE reports (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference         TEXT        NOT NULL,
    -- A report is never lost: deleting a contact that filed one fails.
    contact_id        BIGINT      NOT NULL REFERENCES contacts (id) ON DELETE RESTRICT,
    channel           TEXT        NOT NULL,
    lang              TEXT        NOT NULL,
    category          TEXT        NOT NULL,
    narrative         TEXT        NOT NULL DEFAULT '',
    incident_date     TEXT        CHECK (incident_date ~ '^\d{4}-\d{2}-\d{2}$'),
    incident_date_raw TEXT        NOT NULL DEFAULT '',
    zip               TEXT        NOT NULL DEFAULT '',
    jurisdiction      TEXT        NOT NULL DEFAULT '',
    respondent_type   TEXT        NOT NULL DEFAULT '',
    respondent_name   TEXT        NOT NULL DEFAULT '',
    protected_trait   TEXT        NOT NULL DEFAULT '',
    contact_method    TEXT        NOT NULL CHECK (contact_method IN ('this', 'other', 'none')),
    contact_phone     TEXT        NOT NULL DEFAULT '',
    safe_times        TEXT        NOT NULL DEFAULT '',
    consent           BOOLEAN     NOT NULL,
    commission_id     TEXT        REFERENCES commissions (id),  -- NULL: the default queue
    route_rule        TEXT        NOT NULL DEFAULT '',
    route_reason      TEXT        NOT NULL DEFAULT '',
    referral          TEXT        NOT NULL DEFAULT '',
    deadline          TEXT        CHECK (deadline ~ '^\d{4}-\d{2}-\d{2}$'),
    status            TEXT        NOT NULL DEFAULT 'new'
                      CHECK (status IN ('new', 'in_review', 'accepted', 'referred', 'closed')),
    close_reason      TEXT        NOT NULL DEFAULT '',
    assigned_to       BIGINT,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    CONSTRAINT reports_reference_key UNIQUE (reference)
);

-- The staff queue: one commission's reports by status, most urgent first.
CREATE INDEX reports_queue_idx ON reports (commission_id, status, deadline, id);
CREATE INDEX reports_created_at_idx ON reports (created_at);
-- STATUS <reference> and a resident's own reports.
CREATE INDEX reports_contact_id_idx ON reports (contact_id, id);

-- +goose Down
DROP TABLE reports;
DROP TABLE commissions;
