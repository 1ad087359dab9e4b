-- Staff console, issue 14: finding reports. A reference is found whatever
-- its dashes (the index is on the reference without them); a respondent
-- by respondent_key, a keyed HMAC of the normalised respondent name
-- (store/respondents.go), never by the name itself, which stays sealed.
-- NULL: not computed yet (the store computes it when it opens); '': no
-- name. store_meta records which normalisation the keys were made with,
-- so a change of the alias list recomputes them.

-- +goose Up
ALTER TABLE reports ADD COLUMN respondent_key TEXT;
CREATE INDEX reports_respondent_key_idx ON reports (respondent_key, id);
CREATE INDEX reports_reference_compact_idx ON reports (replace(reference, '-', ''));
CREATE TABLE store_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE store_meta;
DROP INDEX reports_reference_compact_idx;
DROP INDEX reports_respondent_key_idx;
ALTER TABLE reports DROP COLUMN respondent_key;
