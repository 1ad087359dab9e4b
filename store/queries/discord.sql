-- Discord per-server settings (store/discord.go), shared by Postgres and SQLite.

-- name: DiscordGuild
SELECT guild_id, jurisdiction, lang, updated_by, updated_at
FROM discord_guilds
WHERE guild_id = $1;

-- name: SaveDiscordGuild
INSERT INTO discord_guilds (guild_id, jurisdiction, lang, updated_by, updated_at, key_id)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (guild_id) DO UPDATE
SET key_id = excluded.key_id,
    jurisdiction = excluded.jurisdiction,
    lang = excluded.lang,
    updated_by = excluded.updated_by,
    updated_at = excluded.updated_at;

-- name: DiscordConversationState
-- The saved conversation of a channel address, read without taking the
-- contact's lock: the Discord channel peeks at it to tell a click on an old
-- message from a current one, and to answer in the member's language.
SELECT conversations.state
FROM conversations
JOIN contacts ON contacts.id = conversations.contact_id
WHERE contacts.channel = $1 AND contacts.address_hash = $2;
