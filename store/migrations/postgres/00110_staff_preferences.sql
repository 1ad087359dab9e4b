-- Staff console, issue 14: each member's own settings. time_zone is an
-- IANA zone name ('America/New_York'; '' means UTC) the console shows
-- dates in; lang is the language codes are labelled in ('' means
-- English).

-- +goose Up
ALTER TABLE staff ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN lang TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE staff DROP COLUMN lang;
ALTER TABLE staff DROP COLUMN time_zone;
