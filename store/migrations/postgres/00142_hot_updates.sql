-- +goose Up
-- A conversation's row and its sender's rate-limit bucket are rewritten by
-- every message. With room left on each page, Postgres writes the new
-- version beside the old one and skips the index (a HOT update): under the
-- load tool 16 % of the conversations' updates and 25 % of the buckets'
-- were not HOT, each an index entry more and the index left to bloat.
-- The setting applies to pages written from now on.
ALTER TABLE conversations SET (fillfactor = 70);
ALTER TABLE rate_limits SET (fillfactor = 70);

-- +goose Down
ALTER TABLE rate_limits RESET (fillfactor);
ALTER TABLE conversations RESET (fillfactor);
