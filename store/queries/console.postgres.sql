-- Postgres overrides of queries in console.sql.

-- name: ConsoleDashboard
-- created_at is a TIMESTAMPTZ here: take its UTC calendar day.
SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), category, status, lang, count(*)
FROM reports
WHERE ($1 = '*' OR ($1 = '' AND commission_id IS NULL) OR commission_id = $1)
  AND created_at >= $2
GROUP BY 1, 2, 3, 4;
