-- Staff console, part two (SQLite): internal notes and the event history
-- of a report, and the index behind the console's queue. Needs the intake
-- team's reports table (00020).
--
-- The queue sorts by urgency: filing deadline soonest first, reports
-- without a deadline last, then oldest first (id). NULLs sort differently
-- on the two backends, so the sort key is COALESCE(deadline, '9999-12-31')
-- on both, and the indexes are on that same expression.

-- +goose Up
CREATE TABLE report_notes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id  INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    staff_id   INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    body       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
) STRICT;

CREATE INDEX report_notes_report_id_idx ON report_notes (report_id, id);

-- kind: 'status', 'assign', 'update' (a message sent to the resident).
CREATE TABLE report_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id   INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    staff_id    INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    kind        TEXT    NOT NULL,
    from_status TEXT    NOT NULL DEFAULT '',
    to_status   TEXT    NOT NULL DEFAULT '',
    detail      TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL
) STRICT;

CREATE INDEX report_events_report_id_idx ON report_events (report_id, id);

CREATE INDEX reports_console_urgency_idx
    ON reports (COALESCE(deadline, '9999-12-31'), id);
CREATE INDEX reports_console_commission_urgency_idx
    ON reports (commission_id, COALESCE(deadline, '9999-12-31'), id);

-- +goose Down
DROP INDEX reports_console_commission_urgency_idx;
DROP INDEX reports_console_urgency_idx;
DROP TABLE report_events;
DROP TABLE report_notes;
