-- Rate limits (store/ratelimit.go). One statement counts a hit: a row
-- whose window has ended starts again at 1. A window_end behind the stored
-- one (an instance whose clock lags) counts in the stored window.

-- name: RateLimitHit
INSERT INTO rate_limits (bucket, window_end, hits) VALUES ($1, $2, 1)
ON CONFLICT (bucket) DO UPDATE SET
    hits = CASE WHEN rate_limits.window_end >= excluded.window_end THEN rate_limits.hits + 1 ELSE 1 END,
    window_end = CASE WHEN rate_limits.window_end >= excluded.window_end THEN rate_limits.window_end ELSE excluded.window_end END
RETURNING hits, window_end;

-- name: RateLimitPurge
DELETE FROM rate_limits WHERE window_end < $1;
