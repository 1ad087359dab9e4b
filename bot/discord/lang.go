package discord

import (
	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/locales"
)

// discordLocales maps each language to the Discord client locales that
// show it. Amharic has no Discord locale: members choose it with /language.
var discordLocales = map[locales.Lang][]discordgo.Locale{
	locales.Spanish:            {discordgo.SpanishES, discordgo.SpanishLATAM},
	locales.ChineseSimplified:  {discordgo.ChineseCN},
	locales.ChineseTraditional: {discordgo.ChineseTW},
	locales.Vietnamese:         {discordgo.Vietnamese},
	locales.Korean:             {discordgo.Korean},
	locales.French:             {discordgo.French},
}

// inboundLang picks the language for a member's first conversation: their
// Discord client's language if Rightsline speaks it, except that English,
// which is also what Discord shows anyone who never chose, yields to the
// server's default set with /setup. "" lets the conversation ask.
func inboundLang(locale discordgo.Locale, guildLang string) locales.Lang {
	l, ok := locales.ParseLang(string(locale))
	if ok && l != locales.English {
		return l
	}
	if g, gok := locales.ParseLang(guildLang); gok {
		return g
	}
	if ok {
		return l
	}
	return ""
}
