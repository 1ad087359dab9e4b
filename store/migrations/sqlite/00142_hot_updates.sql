-- +goose Up
-- Postgres only (a page fill factor for HOT updates of conversations and
-- rate-limit buckets); SQLite has no such setting. Kept so that both
-- dialects number their migrations alike.
SELECT 1;

-- +goose Down
SELECT 1;
