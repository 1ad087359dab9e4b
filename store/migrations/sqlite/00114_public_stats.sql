-- Staff console, issue 14: a commission opts in to publishing counts of
-- its reports (intake/publicstats). Off until an admin turns it on.

-- +goose Up
ALTER TABLE commissions ADD COLUMN public_stats INTEGER NOT NULL DEFAULT 0 CHECK (public_stats IN (0, 1));

-- +goose Down
ALTER TABLE commissions DROP COLUMN public_stats;
