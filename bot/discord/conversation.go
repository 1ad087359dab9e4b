package discord

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/locales"
)

// jurisdictionVar is the conversation variable holding the member's place
// (kept across restarts by the engine), which intake routes reports by.
const jurisdictionVar = "jurisdiction"

// channel is what Discord registers with the runtime: a form's answer may
// be 4000 characters, and a click on an old message gets discord.stale.
func channel() bot.Channel {
	return bot.Channel{Name: Channel, MaxText: maxFormText, Stale: "discord.stale",
		Interceptors: []bot.Interceptor{bot.InterceptorFunc(mediaOnly)}}
}

// maxFormText is the longest answer a modal accepts (Discord's limit for
// a paragraph input).
const maxFormText = 4000

// converse sends what the member did through the runtime, as the member,
// and renders the replies and the prompt. The interaction id is the
// message's external id, so a repeated interaction is answered from what
// was stored and runs nothing twice. A server with a default place gives
// it to a conversation that knows none: the server's moderators know where
// their community is.
func (b *Bot) converse(ctx context.Context, c *call, in bot.Inbound) (*discordgo.InteractionResponseData, error) {
	in.Channel, in.Address, in.ExternalID, in.Lang, in.At = Channel, c.user, c.i.ID, c.inLang(b.cat), b.now()
	if c.guild != nil && c.guild.Jurisdiction != "" {
		in.Defaults = map[string]string{jurisdictionVar: c.guild.Jurisdiction}
	}
	out, err := b.rt.Handle(ctx, in)
	if err != nil {
		return nil, err
	}
	if out.Lang == "" {
		out.Lang = locales.English
	}
	return b.render(out), nil
}

// langOf is the language to answer a member in outside the conversation:
// their conversation's, else what a new one would start in.
func (b *Bot) langOf(ctx context.Context, c *call) locales.Lang {
	fallback := c.inLang(b.cat)
	if fallback == "" {
		fallback = locales.English
	}
	v, err := b.rt.View(ctx, Channel, c.user, fallback)
	if err != nil {
		return fallback
	}
	return v.Lang
}
