-- Intake queries (reports and commissions), shared by Postgres and SQLite.
-- Same conventions as core.sql: "-- name: X" blocks, $1… placeholders on
-- both dialects, times bound already encoded (timeArg), dates as
-- 'YYYY-MM-DD' text, empty Go strings stored as NULL where the column is
-- nullable (NULLIF in the query, so Go code passes plain strings).

-- name: InsertReport
-- A reference already taken inserts nothing and returns no row, which the
-- caller reports as ErrDuplicate; unlike a raised unique violation this
-- leaves a Postgres transaction usable.
INSERT INTO reports (
    reference, contact_id, channel, lang, category, narrative,
    incident_date, incident_date_raw, zip, jurisdiction,
    respondent_type, respondent_name, protected_trait,
    contact_method, contact_phone, safe_times, consent,
    commission_id, route_rule, route_reason, referral, deadline,
    status, close_reason, assigned_to, created_at, updated_at,
    first_message_id, last_message_id, key_id, respondent_key, index_key_id)
VALUES (
    $1, $2, $3, $4, $5, $6,
    NULLIF($7, ''), $8, $9, $10,
    $11, $12, $13,
    $14, $15, $16, $17,
    NULLIF($18, ''), $19, $20, $21, NULLIF($22, ''),
    $23, $24, $25, $26, $26,
    NULLIF($27, 0), NULLIF($28, 0), $29, $30, $31)
ON CONFLICT (reference) DO NOTHING
RETURNING id;

-- name: ReportByReference
SELECT id, reference, contact_id, channel, lang, category, narrative,
       COALESCE(incident_date, ''), incident_date_raw, zip, jurisdiction,
       respondent_type, respondent_name, protected_trait,
       contact_method, contact_phone, safe_times, consent,
       COALESCE(commission_id, ''), route_rule, route_reason, referral, COALESCE(deadline, ''),
       status, close_reason, assigned_to, created_at, updated_at,
       COALESCE(first_message_id, 0), COALESCE(last_message_id, 0),
       close_code, COALESCE(duplicate_of, 0)
FROM reports
WHERE reference = $1;

-- name: ReportByID
SELECT id, reference, contact_id, channel, lang, category, narrative,
       COALESCE(incident_date, ''), incident_date_raw, zip, jurisdiction,
       respondent_type, respondent_name, protected_trait,
       contact_method, contact_phone, safe_times, consent,
       COALESCE(commission_id, ''), route_rule, route_reason, referral, COALESCE(deadline, ''),
       status, close_reason, assigned_to, created_at, updated_at,
       COALESCE(first_message_id, 0), COALESCE(last_message_id, 0),
       close_code, COALESCE(duplicate_of, 0)
FROM reports
WHERE id = $1;

-- name: ReportsByContact
-- A resident's own reports, newest first.
SELECT id, reference, contact_id, channel, lang, category, narrative,
       COALESCE(incident_date, ''), incident_date_raw, zip, jurisdiction,
       respondent_type, respondent_name, protected_trait,
       contact_method, contact_phone, safe_times, consent,
       COALESCE(commission_id, ''), route_rule, route_reason, referral, COALESCE(deadline, ''),
       status, close_reason, assigned_to, created_at, updated_at,
       COALESCE(first_message_id, 0), COALESCE(last_message_id, 0),
       close_code, COALESCE(duplicate_of, 0)
FROM reports
WHERE contact_id = $1
ORDER BY id DESC
LIMIT $2;

-- name: UpsertCommission
-- Seeding from the data file: the file is the source of the descriptive
-- fields; created_at is kept from the first insert. active is left alone
-- on update, so an admin who deactivated a commission is not overruled by
-- a restart.
INSERT INTO commissions (id, name, jurisdiction, contact, languages, deadlines_json, active, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (id) DO UPDATE
SET name = excluded.name,
    jurisdiction = excluded.jurisdiction,
    contact = excluded.contact,
    languages = excluded.languages,
    deadlines_json = excluded.deadlines_json;

-- name: CommissionByID
SELECT id, name, jurisdiction, contact, languages, deadlines_json, active, created_at
FROM commissions
WHERE id = $1;

-- name: Commissions
SELECT id, name, jurisdiction, contact, languages, deadlines_json, active, created_at
FROM commissions
ORDER BY id;

-- name: ReportContact
-- The contact who filed a report, read in the caller's transaction.
SELECT c.id, c.channel, c.address, c.lang, c.opted_out, c.created_at, c.updated_at
FROM reports r
JOIN contacts c ON c.id = r.contact_id
WHERE r.id = $1;
