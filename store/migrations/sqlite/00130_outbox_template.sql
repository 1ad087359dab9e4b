-- +goose Up
-- The template an outbox message renders (its message id, language and
-- variables, as JSON), sealed like the body: a channel that cannot send
-- free text outside a conversation window (WhatsApp's 24 hours) sends the
-- approved template configured for it instead. '' for none.
ALTER TABLE outbox ADD COLUMN template TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE outbox DROP COLUMN template;
