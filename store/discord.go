package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// DiscordGuild is one Discord server's settings, chosen by its moderators
// with /setup. Empty fields mean "no default".
type DiscordGuild struct {
	// GuildID is Discord's id for the server.
	GuildID string
	// Jurisdiction is the place assumed for members' reports, an id from
	// intake/jurisdiction ("dc", "pittsburgh-pa").
	Jurisdiction string
	// Lang is the language tag used when a member's Discord language is
	// not one Rightsline speaks (or is Discord's default, English).
	Lang string
	// UpdatedBy is the Discord user id of whoever last changed the settings.
	UpdatedBy string
	// UpdatedAt is UTC, to the microsecond.
	UpdatedAt time.Time
}

// aadGuildUpdatedBy is the additional data of the sealed Discord user id of
// the moderator who last ran /setup.
var aadGuildUpdatedBy = sealedColumn("discord_guilds", "updated_by")

// DiscordGuild returns the settings of the server guildID, or ErrNotFound
// if none were saved.
func (s *Store) DiscordGuild(ctx context.Context, guildID string) (DiscordGuild, error) {
	var g DiscordGuild
	err := s.queryRow(ctx, "DiscordGuild", guildID).Scan(&g.GuildID, &g.Jurisdiction, &g.Lang, &g.UpdatedBy, timeDest{&g.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return DiscordGuild{}, ErrNotFound
	}
	if err != nil {
		return DiscordGuild{}, fmt.Errorf("store: discord guild: %w", err)
	}
	if g.UpdatedBy, err = s.keys.openString(aadGuildUpdatedBy, g.UpdatedBy); err != nil {
		return DiscordGuild{}, fmt.Errorf("store: discord guild: %w", err)
	}
	return g, nil
}

// SaveDiscordGuild creates or replaces the settings of g.GuildID and sets
// g.UpdatedAt to now.
func (s *Store) SaveDiscordGuild(ctx context.Context, g *DiscordGuild) error {
	if g.GuildID == "" || g.UpdatedBy == "" {
		return errors.New("store: SaveDiscordGuild: guild id and updated_by must not be empty")
	}
	at := s.clock()
	if _, err := s.exec(ctx, "SaveDiscordGuild", g.GuildID, g.Jurisdiction, g.Lang,
		s.keys.sealString(aadGuildUpdatedBy, g.UpdatedBy), timeArg(s.dialect, at), s.keys.CurrentID()); err != nil {
		return fmt.Errorf("store: save discord guild: %w", err)
	}
	g.UpdatedAt = at
	return nil
}

// ConversationState returns the saved conversation state of the contact
// (channel, address) without locking anything, or ErrNotFound if there is
// none. It is a snapshot: the runtime may change it a moment later, so use
// it to decide what to show, never what to store.
func (s *Store) ConversationState(ctx context.Context, channel, address string) ([]byte, error) {
	var state []byte
	err := sql.ErrNoRows
	for _, h := range s.keys.lookupIndexes("contact", channel, address) {
		if err = s.queryRow(ctx, "DiscordConversationState", channel, h).Scan(&state); !errors.Is(err, sql.ErrNoRows) {
			break
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: conversation state: %w", err)
	}
	return s.keys.open(aadConversationState, state)
}
