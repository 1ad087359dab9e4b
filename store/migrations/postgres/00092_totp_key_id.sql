-- Privacy: staff_totp.key_id records the data key of the sealed TOTP
-- secret, like every other sealed row, so `rightsline keys rotate`
-- re-seals it ('' for secrets sealed before this version: the next
-- rotation re-seals them).

-- +goose Up
ALTER TABLE staff_totp ADD COLUMN key_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE staff_totp DROP COLUMN key_id;
