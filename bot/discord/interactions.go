package discord

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// ServeHTTP answers POST /discord/interactions. Untrusted input is checked
// in a fixed order: size, signature and age (401), shape (400), then
// meaning (a clear ephemeral reply in the member's language).
func (b *Bot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, status, err := b.readVerified(w, r)
	if err != nil {
		b.log.Info("interaction refused", "status", status, "reason", err.Error())
		http.Error(w, http.StatusText(status), status)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil || i.ID == "" || i.Type == 0 {
		b.log.Info("interaction refused", "status", http.StatusBadRequest, "reason", "malformed payload")
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	if i.Type == discordgo.InteractionPing {
		writeJSON(w, discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	}
	c, ok := newCall(&i)
	if !ok {
		b.log.Info("interaction refused", "status", http.StatusBadRequest, "reason", "no user", "interaction", i.ID)
		http.Error(w, "interaction has no user", http.StatusBadRequest)
		return
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		b.command(w, r, c)
	case discordgo.InteractionMessageComponent:
		b.component(w, r, c)
	case discordgo.InteractionModalSubmit:
		b.modalSubmit(w, r, c)
	default:
		b.log.Info("interaction refused", "status", http.StatusBadRequest, "reason", "unsupported type", "type", int(i.Type))
		http.Error(w, "unsupported interaction type", http.StatusBadRequest)
	}
}

// call is one interaction from one member.
type call struct {
	i *discordgo.Interaction
	// user is the member's Discord user id: their address.
	user string
	// guild is the server's settings, loaded by settings; nil outside a
	// server or when the server has none.
	guild *store.DiscordGuild
}

func newCall(i *discordgo.Interaction) (*call, bool) {
	c := &call{i: i}
	switch {
	case i.Member != nil && i.Member.User != nil:
		c.user = i.Member.User.ID
	case i.User != nil:
		c.user = i.User.ID
	}
	return c, c.user != ""
}

// settings loads the server's /setup settings, if any.
func (b *Bot) settings(ctx context.Context, c *call) error {
	if c.i.GuildID == "" {
		return nil
	}
	g, err := b.store.DiscordGuild(ctx, c.i.GuildID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	c.guild = &g
	return nil
}

// inLang is the language a new conversation starts in.
func (c *call) inLang(cat *locales.Catalog) locales.Lang {
	g := ""
	if c.guild != nil {
		g = c.guild.Lang
	}
	return inboundLang(cat, c.i.Locale, g)
}

// errorData is the reply when our side failed: the member is told to try
// again (what they sent was not taken), in the best language we know.
func (b *Bot) errorData(ctx context.Context, i *discordgo.Interaction) *discordgo.InteractionResponseData {
	lang := inboundLang(b.cat, i.Locale, "")
	return b.notice(lang, "discord.error", nil)
}
