package discord

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/intake/jurisdiction"
	"github.com/rightsline/rightsline/locales"
)

// The slash commands. Discord sends the default (English) name whatever
// the member's language, so these are also what ServeHTTP dispatches on.
const (
	cmdRights   = "rights"
	cmdReport   = "report"
	cmdLanguage = "language"
	cmdStatus   = "status"
	cmdHelp     = "help"
	cmdSetup    = "setup"
	cmdLink     = "link"
	cmdUnlink   = "unlink"

	optReference    = "reference"
	optPlace        = "place"
	optLanguage     = "language"
	optCode         = "code"
	maxReferenceLen = 32
	// maxCodeLen bounds /link's code: six digits, spaces or a dash allowed.
	maxCodeLen = 12
)

// Commands returns the slash commands with names and descriptions in every
// language Discord has a locale for, from the catalog's discord.cmd.*
// messages. The language and place choices of /setup name themselves.
func Commands(cat *locales.Catalog) ([]*discordgo.ApplicationCommand, error) {
	loc := localizer{cat: cat}
	everywhere := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
	serverOnly := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	manageServer := int64(discordgo.PermissionManageGuild)

	simple := func(name string) *discordgo.ApplicationCommand {
		c := &discordgo.ApplicationCommand{Type: discordgo.ChatApplicationCommand, Contexts: everywhere}
		loc.command(c, name)
		return c
	}
	status := simple(cmdStatus)
	// Without a reference, STATUS lists the member's latest reports.
	ref := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, MaxLength: maxReferenceLen}
	loc.option(ref, cmdStatus, optReference)
	status.Options = []*discordgo.ApplicationCommandOption{ref}

	setup := &discordgo.ApplicationCommand{Type: discordgo.ChatApplicationCommand, Contexts: serverOnly, DefaultMemberPermissions: &manageServer}
	loc.command(setup, cmdSetup)
	place := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString}
	loc.option(place, cmdSetup, optPlace)
	for _, j := range jurisdiction.All() {
		place.Choices = append(place.Choices, loc.choice("place."+j.ID, j.ID))
	}
	lang := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString}
	loc.option(lang, cmdSetup, optLanguage)
	for _, l := range cat.Langs() {
		// Each language is named in itself, as in the language menu.
		name, err := cat.Text(l, locales.LangNameID(l), nil)
		if err != nil {
			loc.err = err
		}
		lang.Choices = append(lang.Choices, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: string(l)})
	}
	setup.Options = []*discordgo.ApplicationCommandOption{place, lang}

	// /link without a code asks for one; with the code from another
	// channel it links this account with it (intake/link.go).
	link := simple(cmdLink)
	code := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, MaxLength: maxCodeLen}
	loc.option(code, cmdLink, optCode)
	link.Options = []*discordgo.ApplicationCommandOption{code}

	report := simple(cmdReport)
	// An optional photo or PDF for the report (bot/media).
	photo := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionAttachment}
	loc.option(photo, cmdReport, optPhoto)
	report.Options = []*discordgo.ApplicationCommandOption{photo}

	cmds := []*discordgo.ApplicationCommand{simple(cmdRights), report, simple(cmdLanguage), status, simple(cmdHelp), setup, link, simple(cmdUnlink)}
	if loc.err != nil {
		return nil, loc.err
	}
	return cmds, nil
}

// RegisterCommands replaces the application's commands with Commands:
// globally, or in one server when guildID is set (which takes effect at
// once; global commands may take up to an hour to appear).
func RegisterCommands(ctx context.Context, s *discordgo.Session, appID, guildID string, cat *locales.Catalog) ([]*discordgo.ApplicationCommand, error) {
	cmds, err := Commands(cat)
	if err != nil {
		return nil, err
	}
	got, err := s.ApplicationCommandBulkOverwrite(appID, guildID, cmds, discordgo.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("discord: register commands: %w", quiet(err))
	}
	return got, nil
}

// localizer fills names and descriptions from the catalog, keeping the
// first error.
type localizer struct {
	cat *locales.Catalog
	err error
}

func (l *localizer) texts(id string) (string, *map[discordgo.Locale]string) {
	def, err := l.cat.Text(locales.English, id, nil)
	if err != nil && l.err == nil {
		l.err = err
	}
	m := map[discordgo.Locale]string{}
	for _, lang := range l.cat.Langs() {
		dls := discordLocales(l.cat, lang)
		if lang == locales.Source || len(dls) == 0 {
			continue // the source is the default text
		}
		t, err := l.cat.Text(lang, id, nil)
		if err != nil {
			if l.err == nil {
				l.err = err
			}
			continue
		}
		for _, dl := range dls {
			m[dl] = t
		}
	}
	return def, &m
}

func (l *localizer) command(c *discordgo.ApplicationCommand, name string) {
	c.Name = name
	_, c.NameLocalizations = l.texts("discord.cmd." + name + ".name")
	c.Description, c.DescriptionLocalizations = l.texts("discord.cmd." + name + ".desc")
}

func (l *localizer) option(o *discordgo.ApplicationCommandOption, cmd, name string) {
	o.Name = name
	_, names := l.texts("discord.cmd." + cmd + "." + name + ".name")
	o.NameLocalizations = *names
	var desc *map[discordgo.Locale]string
	o.Description, desc = l.texts("discord.cmd." + cmd + "." + name + ".desc")
	o.DescriptionLocalizations = *desc
}

func (l *localizer) choice(id, value string) *discordgo.ApplicationCommandOptionChoice {
	name, locs := l.texts(id)
	return &discordgo.ApplicationCommandOptionChoice{Name: clip(name, 100), Value: value, NameLocalizations: *locs}
}
