-- +goose Up
-- An inbound message's provider id was indexed twice: by the unique index
-- that catches a retried webhook (messages_inbound_external_id_key) and by
-- messages_external_id_idx, which covered both directions. Only inbound
-- messages carry provider ids today; the second index now covers the
-- outbound ones alone, so a message costs one index entry less.
DROP INDEX messages_external_id_idx;
CREATE INDEX messages_outbound_external_id_idx
    ON messages (channel, external_id)
    WHERE direction = 'out' AND external_id IS NOT NULL;

-- +goose Down
DROP INDEX messages_outbound_external_id_idx;
CREATE INDEX messages_external_id_idx
    ON messages (channel, external_id)
    WHERE external_id IS NOT NULL;
