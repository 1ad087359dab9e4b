package discord

import (
	"context"
	"net/http"
	"regexp"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
)

// intakeStart is the first state of the report flow, whose states all
// start with intakeFlow.
const (
	intakeStart = "intake.start"
	intakeFlow  = "intake."
)

// command answers a slash command with a new ephemeral message.
func (b *Bot) command(w http.ResponseWriter, r *http.Request, c *call) {
	name := c.i.ApplicationCommandData().Name
	b.respond(w, r, c.i, false, func(ctx context.Context) *discordgo.InteractionResponseData {
		if err := b.settings(ctx, c); err != nil {
			b.log.Error("load server settings", "interaction", c.i.ID, "err", err)
			return b.errorData(ctx, c.i)
		}
		var data *discordgo.InteractionResponseData
		var err error
		switch name {
		case cmdRights:
			data, err = b.rights(ctx, c)
		case cmdReport:
			data, err = b.report(ctx, c)
		case cmdLanguage:
			data, err = b.language(ctx, c)
		case cmdStatus:
			data, err = b.status(ctx, c)
		case cmdHelp:
			data = b.notice(b.langOf(ctx, c), "discord.help", nil)
		case cmdSetup:
			data, err = b.setup(ctx, c)
		default:
			b.log.Info("unknown command", "interaction", c.i.ID)
			data = b.notice(b.langOf(ctx, c), "discord.unknown_command", nil)
		}
		if err != nil {
			b.log.Error("command failed", "command", name, "interaction", c.i.ID, "err", err)
			return b.errorData(ctx, c.i)
		}
		b.log.Info("command answered", "command", name, "interaction", c.i.ID)
		return data
	})
}

// rights shows the topic menu: for a new member the welcome (or the
// language menu, if their language is unknown); otherwise MENU, in their
// words, as if they had typed it.
func (b *Bot) rights(ctx context.Context, c *call) (*discordgo.InteractionResponseData, error) {
	if err := b.seedPlace(ctx, c); err != nil {
		return nil, err
	}
	conv, ok, err := b.current(ctx, c.user)
	if err != nil {
		return nil, err
	}
	if !ok {
		return b.converse(ctx, c, "")
	}
	menu, _ := b.word(conv.Lang, "menu")
	return b.converse(ctx, c, menu)
}

// report starts the intake flow the way a texter would: by a word of its
// topic list if the flow has one, else by the main menu's choice that
// leads to it.
func (b *Bot) report(ctx context.Context, c *call) (*discordgo.InteractionResponseData, error) {
	if err := b.seedPlace(ctx, c); err != nil {
		return nil, err
	}
	conv, ok, err := b.current(ctx, c.user)
	if err != nil {
		return nil, err
	}
	if ok && strings.HasPrefix(conv.State, intakeFlow) {
		// Already filing: ask the current question again rather than
		// throw the answers away by starting over.
		return b.converse(ctx, c, "")
	}
	lang := conv.Lang
	if !ok {
		lang = c.inLang()
		if lang == "" {
			// The conversation must first learn the member's language;
			// the main menu that follows offers the report.
			return b.converse(ctx, c, "")
		}
	}
	if st, found := b.rt.Engine.State(intakeStart); found && st.Topic != "" {
		if kw := b.firstKeyword(lang, st.Topic); kw != "" {
			return b.converse(ctx, c, kw)
		}
	}
	key := b.menuKeyFor(intakeStart)
	first := ""
	if ok {
		first, _ = b.word(lang, "menu")
	}
	if key == "" {
		return b.converse(ctx, c, first)
	}
	return b.converse(ctx, c, first, key)
}

// language opens the language menu (LANGUAGE, as if typed).
func (b *Bot) language(ctx context.Context, c *call) (*discordgo.InteractionResponseData, error) {
	conv, ok, err := b.current(ctx, c.user)
	if err != nil {
		return nil, err
	}
	lang := conv.Lang
	if !ok {
		lang = c.inLang()
	}
	return b.converse(ctx, c, b.firstKeyword(lang, "kw.global.language"))
}

// referencePattern is what a report reference may look like (DC-7KQ2-9D);
// anything else is refused before it reaches the conversation.
var referencePattern = regexp.MustCompile(`^[A-Za-z0-9]{1,8}(-[A-Za-z0-9]{1,8}){0,3}$`)

// status asks for a report's status the way a texter does: STATUS and the
// reference, or STATUS alone for the member's latest reports. Intake
// answers it before the conversation engine, so it does not move the
// member's place in a flow.
func (b *Bot) status(ctx context.Context, c *call) (*discordgo.InteractionResponseData, error) {
	ref := ""
	if o := c.i.ApplicationCommandData().GetOption(optReference); o != nil {
		if s, ok := o.Value.(string); ok {
			ref = strings.ToUpper(strings.TrimSpace(s))
		}
	}
	if ref == "" {
		return b.converse(ctx, c, statusWord)
	}
	if !referencePattern.MatchString(ref) {
		return b.notice(b.langOf(ctx, c), "discord.status.bad_reference", nil), nil
	}
	return b.converse(ctx, c, statusWord+" "+ref)
}

// statusWord is the word texters send before a reference (issue 5: STATUS
// <reference>); it is the same in every language.
const statusWord = "STATUS"

func (b *Bot) firstKeyword(lang locales.Lang, list string) string {
	for _, l := range []locales.Lang{lang, locales.English} {
		if l == "" {
			continue
		}
		if kws := b.cat.Keywords(l, list); len(kws) > 0 {
			return kws[0]
		}
	}
	return ""
}

// menuKeyFor returns the key of the main menu's choice that goes to state.
func (b *Bot) menuKeyFor(state string) string {
	st, ok := b.rt.Engine.State(flows.StateMenu)
	if !ok {
		return ""
	}
	for _, ch := range st.Choices {
		if ch.Go == state {
			return ch.Key
		}
	}
	return ""
}
