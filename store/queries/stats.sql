-- Public statistics (intake/publicstats): only counts, only of commissions
-- that opted in, never of simulator reports, spam or duplicates.

-- name: SetCommissionPublicStats
UPDATE commissions SET public_stats = $2 WHERE id = $1;

-- name: PublicStatsCommissions
SELECT id, name FROM commissions WHERE public_stats ORDER BY name;

-- name: PublicStatsCommission
SELECT id, name FROM commissions WHERE id = $1 AND public_stats;

-- name: PublicStatCells
-- Counts per category, place (jurisdiction), UTC quarter and language.
SELECT category, jurisdiction,
       substr(created_at, 1, 4) || '-Q' || CAST((CAST(substr(created_at, 6, 2) AS INTEGER) + 2) / 3 AS TEXT),
       lang, count(*)
FROM reports
WHERE commission_id = $1 AND channel <> 'web' AND close_code NOT IN ('spam', 'duplicate')
GROUP BY 1, 2, 3, 4
ORDER BY 3, 1, 2, 4;
