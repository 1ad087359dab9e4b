-- Outbox without doubles (issue 11). Version range 00100–00109 belongs to
-- operations.
--
-- in_doubt marks a row whose last attempt may have reached the provider
-- without the outcome being recorded: its claimer died mid-send (the lease
-- ran out while it was 'sending') or the send ended in a timeout or a
-- network error. Before such a row is sent again the dispatcher asks the
-- provider whether it already has it (bot/outbox, Lookup).
--
-- dedupe_key makes an enqueue idempotent: the replies of a spooled
-- webhook are enqueued under "reply:<channel>:<provider message id>", so a
-- replay repeated after a crash enqueues nothing twice. NULLs are distinct.

-- +goose Up
ALTER TABLE outbox ADD COLUMN in_doubt BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE outbox ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX outbox_dedupe_key_idx ON outbox (dedupe_key);

-- +goose Down
DROP INDEX outbox_dedupe_key_idx;
ALTER TABLE outbox DROP COLUMN dedupe_key;
ALTER TABLE outbox DROP COLUMN in_doubt;
