-- Staff console, issue 14: closing from any state with a coded reason,
-- duplicates linked to the report they repeat, and which outbox messages
-- were updates about which report (so a failed delivery shows on it).

-- +goose Up
ALTER TABLE reports ADD COLUMN close_code TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN duplicate_of INTEGER REFERENCES reports (id) ON DELETE SET NULL;
CREATE INDEX reports_duplicate_of_idx ON reports (duplicate_of) WHERE duplicate_of IS NOT NULL;
ALTER TABLE outbox ADD COLUMN report_id INTEGER REFERENCES reports (id) ON DELETE SET NULL;
CREATE INDEX outbox_report_id_idx ON outbox (report_id, id) WHERE report_id IS NOT NULL;

-- +goose Down
DROP INDEX outbox_report_id_idx;
ALTER TABLE outbox DROP COLUMN report_id;
DROP INDEX reports_duplicate_of_idx;
ALTER TABLE reports DROP COLUMN duplicate_of;
ALTER TABLE reports DROP COLUMN close_code;
