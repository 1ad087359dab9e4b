-- Privacy (version range 00060–00069): discreet mode. A contact in discreet
-- mode gets neutral staff updates ("You have a new message. Reply STATUS to
-- read it."); the real text waits in messages with status 'held' until the
-- resident sends STATUS. The choice itself is in the consent ledger.

-- +goose Up
ALTER TABLE contacts ADD COLUMN discreet BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE contacts DROP COLUMN discreet;
