-- Discord per-server settings (store/discord.go), shared by Postgres and SQLite.

-- name: DiscordGuild
SELECT guild_id, jurisdiction, lang, updated_by, updated_at
FROM discord_guilds
WHERE guild_id = $1;

-- name: SaveDiscordGuild
INSERT INTO discord_guilds (guild_id, jurisdiction, lang, updated_by, updated_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (guild_id) DO UPDATE
SET jurisdiction = excluded.jurisdiction,
    lang = excluded.lang,
    updated_by = excluded.updated_by,
    updated_at = excluded.updated_at;
