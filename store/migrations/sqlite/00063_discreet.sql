-- Privacy: discreet mode. See the Postgres file of the same version.

-- +goose Up
ALTER TABLE contacts ADD COLUMN discreet INTEGER NOT NULL DEFAULT 0 CHECK (discreet IN (0, 1));

-- +goose Down
ALTER TABLE contacts DROP COLUMN discreet;
