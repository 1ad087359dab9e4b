-- A staff member whose password was set by someone else (a new account's
-- or a reset's one-time password) must choose their own before using the
-- console.

-- +goose Up
ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));

-- +goose Down
ALTER TABLE staff DROP COLUMN must_change_password;
