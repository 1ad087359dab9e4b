-- Privacy: opt-outs outlive the retention purge. The purge deletes a
-- contact left with nothing (no report, message or queued message); if the
-- person had opted out (STOP), the contact's keyed index and sealed address
-- are kept here, so a new contact for the same address starts opted out
-- (store.Tx.ContactForUpdate consumes the row). No body, no language, no
-- date of anything they wrote. The address stays sealed (AES-256-GCM) only
-- so that `rightsline keys rotate` can recompute the index under a new
-- index key; lookups use the index alone. Erasure (DELETE) keeps nothing,
-- not even this (docs/privacy.md).

-- +goose Up
CREATE TABLE suppressions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel      TEXT        NOT NULL,
    address_hash TEXT        NOT NULL,
    address      TEXT        NOT NULL,
    key_id       TEXT        NOT NULL,
    index_key_id TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT suppressions_channel_address_hash_key UNIQUE (channel, address_hash)
);

-- +goose Down
DROP TABLE suppressions;
