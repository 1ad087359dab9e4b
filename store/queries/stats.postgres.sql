-- Postgres overrides of stats.sql.

-- name: PublicStatCells
-- created_at is a TIMESTAMPTZ here: its UTC quarter.
SELECT category, jurisdiction,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY') || '-Q' || to_char(created_at AT TIME ZONE 'UTC', 'Q'),
       lang, count(*)
FROM reports
WHERE commission_id = $1 AND channel <> 'web' AND close_code NOT IN ('spam', 'duplicate')
GROUP BY 1, 2, 3, 4
ORDER BY 3, 1, 2, 4;
