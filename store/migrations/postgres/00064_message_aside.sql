-- Privacy: messages answered outside the conversation. An interceptor
-- (STATUS, HELP, STOP, DISCREET, DELETE, a rate-limit notice) answers a
-- message without the conversation engine; such a message can arrive in
-- the middle of an intake and its reply can name another report's
-- reference or carry a staff update held for a discreet contact. aside
-- marks the inbound message; a report's transcript and a dropped intake's
-- erasure take only inbound messages that are not aside and the replies to
-- those (store/scope.go).

-- +goose Up
ALTER TABLE messages ADD COLUMN aside BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE messages DROP COLUMN aside;
