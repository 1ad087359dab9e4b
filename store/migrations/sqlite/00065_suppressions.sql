-- Privacy: opt-outs outlive the retention purge. See the Postgres file of
-- the same version.

-- +goose Up
CREATE TABLE suppressions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    channel      TEXT NOT NULL,
    address_hash TEXT NOT NULL,
    address      TEXT NOT NULL,
    key_id       TEXT NOT NULL,
    index_key_id TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (channel, address_hash)
) STRICT;

-- +goose Down
DROP TABLE suppressions;
