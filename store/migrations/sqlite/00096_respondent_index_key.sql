-- Privacy: reports.respondent_key is a keyed index (Keys.RespondentKey);
-- index_key_id records the index key it was made with, so that `rightsline
-- keys rotate` re-indexes it after an index-key rotation as it does
-- contacts. '' (every report before this version) is recomputed by the
-- next rotation.

-- +goose Up
ALTER TABLE reports ADD COLUMN index_key_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE reports DROP COLUMN index_key_id;
