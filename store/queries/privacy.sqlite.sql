-- SQLite overrides of privacy.sql.

-- name: PurgeClosedReportsExcept
-- instr() is SQLite's strpos().
DELETE FROM reports
WHERE status = 'closed' AND updated_at < $1
  AND instr($2, '|' || COALESCE(commission_id, '') || '|') = 0;
