-- Staff console, issue 14: a commission opts in to publishing counts of
-- its reports (intake/publicstats). Off until an admin turns it on.

-- +goose Up
ALTER TABLE commissions ADD COLUMN public_stats BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE commissions DROP COLUMN public_stats;
