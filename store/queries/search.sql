-- Finding reports (issue 14): by reference, by respondent (its keyed
-- index, never its name), and the cross-report counts of the Patterns
-- page. The scope argument is as in console.sql: '*' every report, ''
-- the default queue, else a commission id.

-- name: StoreMetaGet
SELECT value FROM store_meta WHERE name = $1;

-- name: StoreMetaSet
INSERT INTO store_meta (name, value) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET value = excluded.value;

-- name: ResetRespondentKeys
UPDATE reports SET respondent_key = NULL WHERE respondent_key IS NOT NULL;

-- name: UnkeyedRespondents
SELECT id, respondent_name FROM reports
WHERE respondent_key IS NULL AND id > $1
ORDER BY id
LIMIT $2;

-- name: SetRespondentKey
UPDATE reports SET respondent_key = $2, index_key_id = $3 WHERE id = $1;

-- name: ReportByCompactReference
-- $1 is the reference without dashes, upper case; the expression is the
-- one reports_reference_compact_idx indexes.
SELECT id, reference, category, lang, channel, status, COALESCE(deadline, ''),
       COALESCE(commission_id, ''), assigned_to, created_at
FROM reports
WHERE replace(reference, '-', '') = $1;

-- name: ConsoleQueueByRespondent
-- ConsoleQueue for one respondent ($9, a respondent_key): the same
-- filters and order, driven by reports_respondent_key_idx.
SELECT id, reference, category, lang, channel, status, COALESCE(deadline, ''),
       COALESCE(commission_id, ''), assigned_to, created_at
FROM reports
WHERE respondent_key = $9
  AND ($1 = '*' OR ($1 = '' AND commission_id IS NULL) OR commission_id = $1)
  AND (($2 = 'open' AND status <> 'closed') OR $2 = 'all' OR status = $2)
  AND ($3 = '' OR category = $3)
  AND ($4 = '' OR lang = $4)
  AND ($5 = '' OR deadline <= $5)
  AND COALESCE(deadline, '9999-12-31') >= $6
  AND (COALESCE(deadline, '9999-12-31') > $6 OR id > $7)
ORDER BY COALESCE(deadline, '9999-12-31'), id
LIMIT $8;

-- name: CloseReport
-- Close from the status the caller saw, with a coded reason, a note and
-- the report it duplicates (NULL for none).
UPDATE reports SET status = 'closed', close_code = $3, close_reason = $4, duplicate_of = $5, updated_at = $6
WHERE id = $1 AND status = $2;

-- name: ReopenReport
UPDATE reports SET status = 'in_review', close_code = '', close_reason = '', duplicate_of = NULL, updated_at = $2
WHERE id = $1 AND status = 'closed';

-- name: DuplicatesOf
SELECT id, reference, category, lang, channel, status, COALESCE(deadline, ''),
       COALESCE(commission_id, ''), assigned_to, created_at
FROM reports
WHERE duplicate_of = $1
ORDER BY id;

-- name: ReportDeliveries
-- The updates queued about a report and how their delivery went.
SELECT id, channel, status, attempts, delivery_status, last_error, created_at, sent_at
FROM outbox
WHERE report_id = $1
ORDER BY id;

-- name: RespondentPattern
-- How many other reports name the respondent of report $1, and how many
-- of them are in commission $2; duplicates are not counted again.
SELECT r.respondent_key, count(o.id), COALESCE(sum(CASE WHEN o.commission_id = $2 THEN 1 ELSE 0 END), 0)
FROM reports AS r
LEFT JOIN reports AS o ON o.respondent_key = r.respondent_key AND o.id <> r.id AND o.close_code <> 'duplicate'
WHERE r.id = $1 AND r.respondent_key <> ''
GROUP BY r.respondent_key;

-- name: Patterns
-- Respondents named by at least $3 reports in scope filed since $2, per
-- category; max(id) is the latest report, whose name is shown.
SELECT respondent_key, category, count(*), max(id)
FROM reports
WHERE ($1 = '*' OR ($1 = '' AND commission_id IS NULL) OR commission_id = $1)
  AND respondent_key <> '' AND created_at >= $2 AND close_code <> 'duplicate'
GROUP BY respondent_key, category
HAVING count(*) >= $3
ORDER BY count(*) DESC, max(id) DESC
LIMIT $4;
