-- Staff console, issue 14: e-mail to staff. A new report is mailed once:
-- staff_mail is NULL until it is, a lease (staff_mail_lease) lets one
-- instance claim it and another take over if that one dies; the existing
-- reports count as mailed. daily_claims lets one instance a day send a
-- commission's digest.

-- +goose Up
ALTER TABLE reports ADD COLUMN staff_mail TEXT;
ALTER TABLE reports ADD COLUMN staff_mail_lease TEXT;
UPDATE reports SET staff_mail = 'existing';
CREATE INDEX reports_staff_mail_pending_idx ON reports (id) WHERE staff_mail IS NULL;
CREATE TABLE daily_claims (
    name       TEXT        NOT NULL,
    day        TEXT        NOT NULL,
    claimed_at TEXT        NOT NULL,
    PRIMARY KEY (name, day)
) STRICT;

-- +goose Down
DROP TABLE daily_claims;
DROP INDEX reports_staff_mail_pending_idx;
ALTER TABLE reports DROP COLUMN staff_mail_lease;
ALTER TABLE reports DROP COLUMN staff_mail;
