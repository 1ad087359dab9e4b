-- Discord: per-server settings set with /setup.
--
-- Version range 00040–00049 belongs to the Discord channel. A server's
-- settings are defaults for members who have not chosen for themselves:
-- the place (jurisdiction id, as in intake/jurisdiction) assumed for
-- reports and the language used when a member's Discord language is one
-- Rightsline does not speak. updated_by is the Discord user id of the
-- member who last ran /setup (a moderator with Manage Server).

-- +goose Up
CREATE TABLE discord_guilds (
    guild_id     TEXT        PRIMARY KEY,
    jurisdiction TEXT        NOT NULL DEFAULT '',
    lang         TEXT        NOT NULL DEFAULT '',
    updated_by   TEXT        NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE discord_guilds;
