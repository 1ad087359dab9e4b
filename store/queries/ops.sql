-- Operations queries: figures for /metrics, read at scrape time.

-- name: OutboxBacklog
-- Rows not yet settled (waiting or being sent), per channel, with the
-- creation time of the oldest.
SELECT channel, COUNT(*), MIN(created_at)
FROM outbox
WHERE status IN ('pending', 'sending')
GROUP BY channel;
