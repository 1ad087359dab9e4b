-- Rate limits shared by every instance: one row per (limit, subject)
-- bucket, counting hits in the current fixed window. Version range
-- 00090–00099 belongs to security (rate limits, sign-in second factor).
--
-- bucket is the limit's name and a SHA-256 of the subject (an IP address,
-- a phone number, a session), never the subject itself. Rows outlive their
-- window by at most one purge interval (see store/ratelimit.go).

-- +goose Up
CREATE TABLE rate_limits (
    bucket     TEXT    PRIMARY KEY,
    -- Unix seconds at which the counted window ends.
    window_end INTEGER  NOT NULL,
    hits       INTEGER  NOT NULL
) STRICT;

CREATE INDEX rate_limits_window_end_idx ON rate_limits (window_end);

-- +goose Down
DROP TABLE rate_limits;
