package discord

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/intake/jurisdiction"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// setup saves the server's default place and language. Discord hides the
// command from members without Manage Server, but the permission is
// checked here too: the payload's permissions are signed by Discord,
// whereas a server's command permissions can be changed by its admins.
func (b *Bot) setup(ctx context.Context, c *call) (*discordgo.InteractionResponseData, error) {
	lang := b.langOf(ctx, c)
	if c.i.GuildID == "" || c.i.Member == nil {
		return b.notice(lang, "discord.setup.server_only", nil), nil
	}
	if c.i.Member.Permissions&discordgo.PermissionManageGuild == 0 {
		b.log.Info("setup refused: no Manage Server permission", "interaction", c.i.ID)
		return b.notice(lang, "discord.setup.denied", nil), nil
	}
	g := store.DiscordGuild{GuildID: c.i.GuildID, UpdatedBy: c.user}
	if c.guild != nil {
		g.Jurisdiction, g.Lang = c.guild.Jurisdiction, c.guild.Lang
	}
	data := c.i.ApplicationCommandData()
	changed := false
	if o := data.GetOption(optPlace); o != nil {
		id, _ := o.Value.(string)
		if _, ok := jurisdiction.ByID(id); !ok {
			return b.notice(lang, "discord.setup.bad_option", nil), nil
		}
		g.Jurisdiction, changed = id, true
	}
	if o := data.GetOption(optLanguage); o != nil {
		s, _ := o.Value.(string)
		l, ok := b.cat.ParseLang(s)
		if !ok {
			return b.notice(lang, "discord.setup.bad_option", nil), nil
		}
		g.Lang, changed = string(l), true
	}
	if changed {
		if err := b.store.SaveDiscordGuild(ctx, &g); err != nil {
			return nil, err
		}
		b.log.Info("server settings saved", "guild", g.GuildID, "jurisdiction", g.Jurisdiction, "lang", g.Lang)
	}
	place, language := b.text(lang, "discord.setup.none", nil), b.text(lang, "discord.setup.none", nil)
	if g.Jurisdiction != "" {
		place = b.text(lang, "place."+g.Jurisdiction, nil)
	}
	if l, ok := b.cat.ParseLang(g.Lang); ok {
		language = b.text(l, locales.LangNameID(l), nil)
	}
	return b.notice(lang, "discord.setup.current", map[string]string{"place": place, "language": language}), nil
}
