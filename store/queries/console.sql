-- Staff console queries: staff accounts, sessions, the audit log, report
-- notes and events, and the console's reads of reports (queue, export,
-- dashboard). Shared by Postgres and SQLite unless overridden in
-- console.postgres.sql.

-- name: InsertStaff
INSERT INTO staff (email, name, password_hash, role, commission_id, active, created_at, must_change_password,
                   key_id, email_hash, index_key_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
RETURNING id;

-- name: StaffEmailTaken
-- A member with this e-mail under an older index key's digest ($1), or
-- written before sealing (email_hash NULL, e-mail $2 in clear).
SELECT count(*) FROM staff WHERE email_hash = $1 OR (email_hash IS NULL AND email = $2);

-- name: StaffByLegacyEmail
-- A member written before sealing, until the store seals them at start.
SELECT id, email, name, password_hash, role, commission_id, active, failed_logins, locked_until, created_at, must_change_password, time_zone, lang
FROM staff
WHERE email_hash IS NULL AND email = $1;

-- name: StaffLabels
SELECT id, email FROM staff;

-- name: StaffByEmail
SELECT id, email, name, password_hash, role, commission_id, active, failed_logins, locked_until, created_at, must_change_password, time_zone, lang
FROM staff
WHERE email_hash = $1;

-- name: StaffByID
SELECT id, email, name, password_hash, role, commission_id, active, failed_logins, locked_until, created_at, must_change_password, time_zone, lang
FROM staff
WHERE id = $1;

-- name: ListStaff
SELECT id, email, name, password_hash, role, commission_id, active, failed_logins, locked_until, created_at, must_change_password, time_zone, lang
FROM staff;

-- name: StaffOfCommission
SELECT id, email, name, password_hash, role, commission_id, active, failed_logins, locked_until, created_at, must_change_password, time_zone, lang
FROM staff
WHERE active AND (commission_id = $1 OR role = 'admin');

-- name: CountStaff
SELECT count(*) FROM staff;

-- name: SetStaffPreferences
UPDATE staff SET time_zone = $2, lang = $3 WHERE id = $1;

-- name: SetStaffActive
UPDATE staff SET active = $2 WHERE id = $1;

-- name: SetStaffPassword
UPDATE staff SET password_hash = $2, must_change_password = $3, failed_logins = 0, locked_until = NULL WHERE id = $1;

-- name: IncrementFailedLogins
UPDATE staff SET failed_logins = failed_logins + 1 WHERE id = $1
RETURNING failed_logins;

-- name: LockStaff
UPDATE staff SET failed_logins = 0, locked_until = $2 WHERE id = $1;

-- name: ResetFailedLogins
UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = $1;

-- name: InsertSession
INSERT INTO sessions (token_hash, staff_id, csrf_token, created_at, expires_at, last_seen, second_factor_pending)
VALUES ($1, $2, $3, $4, $5, $4, $6);

-- name: SessionByTokenHash
SELECT s.token_hash, s.staff_id, s.csrf_token, s.created_at, s.expires_at, s.last_seen, s.second_factor_pending,
       st.id, st.email, st.name, st.password_hash, st.role, st.commission_id, st.active,
       st.failed_logins, st.locked_until, st.created_at, st.must_change_password, st.time_zone, st.lang,
       EXISTS (SELECT 1 FROM staff_totp AS t WHERE t.staff_id = st.id AND t.confirmed),
       EXISTS (SELECT 1 FROM staff_totp AS t WHERE t.staff_id = st.id AND t.required)
FROM sessions AS s
JOIN staff AS st ON st.id = s.staff_id
WHERE s.token_hash = $1 AND s.expires_at > $2 AND st.active;

-- name: TouchSession
UPDATE sessions SET last_seen = $2, expires_at = $3 WHERE token_hash = $1;

-- name: DeleteSession
DELETE FROM sessions WHERE token_hash = $1;

-- name: DeleteStaffSessions
DELETE FROM sessions WHERE staff_id = $1;

-- name: DeleteExpiredSessions
DELETE FROM sessions WHERE expires_at <= $1;

-- name: InsertAudit
INSERT INTO audit_log (staff_id, action, report_id, detail, ip, created_at, key_id)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id;

-- name: AuditPage
-- Newest first; keyset on id ($1 = 0 for the first page).
SELECT a.id, a.staff_id, COALESCE(st.email, ''), a.action, a.report_id, a.detail, a.ip, a.created_at
FROM audit_log AS a
LEFT JOIN staff AS st ON st.id = a.staff_id
WHERE (CAST($1 AS BIGINT) = 0 OR a.id < CAST($1 AS BIGINT))
  AND (CAST($2 AS BIGINT) = 0 OR a.report_id = CAST($2 AS BIGINT))
  AND (CAST($4 AS BIGINT) = 0 OR a.staff_id = CAST($4 AS BIGINT))
ORDER BY a.id DESC
LIMIT $3;

-- The console's scope argument (always $1 below) is '*' for every report
-- (an admin), '' for the default queue only (commission_id IS NULL), or a
-- commission id.

-- name: ConsoleQueue
-- Most urgent first: deadline soonest, none last, then oldest (id). Keyset
-- pagination: $6/$7 are the sort key and id of the previous page's last
-- row ('' and 0 for the first page). The plain ">= $6" is redundant but
-- sargable: it lets both databases start the index range scan at the
-- cursor (SQLite does not for a row-value comparison on an expression
-- index), and the OR then skips the few rows of the same key before it. $2 is a status, 'open' (all but
-- closed) or 'all'; $3, $4, $5 (category, language, deadline on or before
-- a date) are ignored when ''. The deadline is an upper bound on the sort
-- key, so the index range ends there; a language, category or status
-- filter uses ConsoleQueueBy* (queue.sql) instead.
SELECT id, reference, category, lang, channel, status, COALESCE(deadline, ''),
       COALESCE(commission_id, ''), assigned_to, created_at
FROM reports
WHERE ($1 = '*' OR ($1 = '' AND commission_id IS NULL) OR commission_id = $1)
  AND (($2 = 'open' AND status <> 'closed') OR $2 = 'all' OR status = $2)
  AND ($3 = '' OR category = $3)
  AND ($4 = '' OR lang = $4)
  AND COALESCE(deadline, '9999-12-31') <= CASE WHEN $5 = '' THEN '9999-12-31' ELSE $5 END
  AND COALESCE(deadline, '9999-12-31') >= $6
  AND (COALESCE(deadline, '9999-12-31') > $6 OR id > $7)
ORDER BY COALESCE(deadline, '9999-12-31'), id
LIMIT $8;

-- name: ConsoleExport
-- Every report in scope up to id $2, oldest first, with the same columns
-- as ReportByID.
SELECT id, reference, contact_id, channel, lang, category, narrative,
       COALESCE(incident_date, ''), incident_date_raw, zip, jurisdiction,
       respondent_type, respondent_name, protected_trait,
       contact_method, contact_phone, safe_times, consent,
       COALESCE(commission_id, ''), route_rule, route_reason, referral, COALESCE(deadline, ''),
       status, close_reason, assigned_to, created_at, updated_at,
       COALESCE(first_message_id, 0), COALESCE(last_message_id, 0),
       close_code, COALESCE(duplicate_of, 0)
FROM reports
WHERE ($1 = '*' OR ($1 = '' AND commission_id IS NULL) OR commission_id = $1)
  AND id <= $2
ORDER BY id;

-- name: ConsoleDashboard
-- Report counts per UTC day of filing, category, status and language, for
-- reports filed at or after $2.
SELECT substr(created_at, 1, 10), category, status, lang, count(*)
FROM reports
WHERE ($1 = '*' OR ($1 = '' AND commission_id IS NULL) OR commission_id = $1)
  AND created_at >= $2
GROUP BY 1, 2, 3, 4;

-- name: ConsoleSetStatus
-- Only from the status the caller saw, so two people changing the same
-- report cannot both win.
UPDATE reports SET status = $3, close_reason = $4, updated_at = $5
WHERE id = $1 AND status = $2;

-- name: ConsoleAssign
UPDATE reports SET assigned_to = $2, updated_at = $3 WHERE id = $1;

-- name: InsertReportNote
INSERT INTO report_notes (report_id, staff_id, body, created_at, key_id)
VALUES ($1, $2, $3, $4, $5)
RETURNING id;

-- name: ReportNotes
SELECT n.id, n.report_id, n.staff_id, COALESCE(st.name, ''), COALESCE(st.email, ''), n.body, n.created_at
FROM report_notes AS n
LEFT JOIN staff AS st ON st.id = n.staff_id
WHERE n.report_id = $1
ORDER BY n.id;

-- name: InsertReportEvent
INSERT INTO report_events (report_id, staff_id, kind, from_status, to_status, detail, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id;

-- name: ReportEvents
SELECT e.id, e.report_id, e.staff_id, COALESCE(st.email, ''), e.kind, e.from_status, e.to_status, e.detail, e.created_at
FROM report_events AS e
LEFT JOIN staff AS st ON st.id = e.staff_id
WHERE e.report_id = $1
ORDER BY e.id;

-- name: ConsoleSetCommissionActive
-- An admin closes or reopens a commission to new reports; seeding
-- (UpsertCommission) never overrides this.
UPDATE commissions SET active = $2 WHERE id = $1;

-- name: ConsoleMaxReportID
SELECT COALESCE(max(id), 0) FROM reports;

-- name: ConsoleAuditExport
-- One 'report.export' audit row per report an export will contain: every
-- report in scope ($1) up to id $2.
INSERT INTO audit_log (staff_id, action, report_id, detail, ip, created_at, key_id)
SELECT $3, 'report.export', id, $4, $5, $6, $7
FROM reports
WHERE ($1 = '*' OR ($1 = '' AND commission_id IS NULL) OR commission_id = $1)
  AND id <= $2;
