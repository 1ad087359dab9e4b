package discord

import (
	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/locales"
)

// discordLocales lists the Discord client locales that show language l
// (discord in locales/languages.toml). Amharic has none: members choose
// it with /language.
func discordLocales(cat *locales.Catalog, l locales.Lang) []discordgo.Locale {
	info, ok := cat.Language(l)
	if !ok {
		return nil
	}
	out := make([]discordgo.Locale, len(info.Discord))
	for i, d := range info.Discord {
		out[i] = discordgo.Locale(d)
	}
	return out
}

// inboundLang picks the language for a member's first conversation: their
// Discord client's language if Rightsline speaks it, except that English,
// which is also what Discord shows anyone who never chose, yields to the
// server's default set with /setup. "" lets the conversation ask.
func inboundLang(cat *locales.Catalog, locale discordgo.Locale, guildLang string) locales.Lang {
	l, ok := cat.ParseLang(string(locale))
	if ok && l != locales.English {
		return l
	}
	if g, gok := cat.ParseLang(guildLang); gok {
		return g
	}
	if ok {
		return l
	}
	return ""
}
