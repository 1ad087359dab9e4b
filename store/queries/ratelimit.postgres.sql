-- Rate limits on Postgres (store/ratelimit.go, pipeline.go).

-- name: RateLimitPeekPostgres
-- A bucket as RateLimitHit would find it, read by InConversation with the
-- contact's lock held, so Tx.Allow can decide without a round trip and
-- send the hit with the COMMIT.
SELECT hits, window_end FROM rate_limits WHERE bucket = $1;
