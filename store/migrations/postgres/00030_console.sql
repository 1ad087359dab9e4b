-- Staff console schema for Postgres: staff accounts, their sessions and the
-- audit log. Version range 00030–00039 belongs to the console.
--
-- Report notes and events, which reference the intake team's reports table,
-- are in 00031 so that this file does not depend on it.

-- +goose Up
CREATE TABLE staff (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Stored lower-cased; the login form lower-cases what it is given.
    email         TEXT        NOT NULL,
    name          TEXT        NOT NULL DEFAULT '',
    password_hash TEXT        NOT NULL,
    role          TEXT        NOT NULL CHECK (role IN ('admin', 'staff')),
    -- NULL for an admin, who sees every commission and the default queue.
    commission_id TEXT,
    active        BOOLEAN     NOT NULL DEFAULT TRUE,
    failed_logins INTEGER     NOT NULL DEFAULT 0,
    locked_until  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    CONSTRAINT staff_email_key UNIQUE (email),
    CONSTRAINT staff_role_commission CHECK (
        (role = 'admin' AND commission_id IS NULL) OR
        (role = 'staff' AND commission_id IS NOT NULL AND commission_id <> ''))
);

-- A session is found by the SHA-256 of its cookie token; the token itself
-- is never stored, so a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash TEXT        PRIMARY KEY,
    staff_id   BIGINT      NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    csrf_token TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    last_seen  TIMESTAMPTZ NOT NULL
);

CREATE INDEX sessions_staff_id_idx ON sessions (staff_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- Who did what, when. report_id has no foreign key: the log outlives the
-- rows it mentions.
CREATE TABLE audit_log (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    staff_id   BIGINT      REFERENCES staff (id) ON DELETE SET NULL,
    action     TEXT        NOT NULL,
    report_id  BIGINT,
    detail     TEXT        NOT NULL DEFAULT '',
    ip         TEXT        NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX audit_log_report_id_idx ON audit_log (report_id, id) WHERE report_id IS NOT NULL;
CREATE INDEX audit_log_staff_id_idx ON audit_log (staff_id, id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE staff;
