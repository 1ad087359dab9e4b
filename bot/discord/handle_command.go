package discord

import (
	"context"
	"net/http"
	"regexp"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
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
		case cmdLink:
			data, err = b.link(ctx, c)
		case cmdUnlink:
			data, err = b.converse(ctx, c, bot.Inbound{Command: commandUnlink})
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
// language menu, if their language is unknown).
func (b *Bot) rights(ctx context.Context, c *call) (*discordgo.InteractionResponseData, error) {
	return b.converse(ctx, c, bot.Inbound{Word: flows.WordMenu})
}

// reportFlow is the flow /report starts.
const reportFlow = "intake"

// report starts the report flow; a member already filing is asked the
// current question again, their answers kept. A member whose language is
// unknown is first asked it.
func (b *Bot) report(ctx context.Context, c *call) (*discordgo.InteractionResponseData, error) {
	// A photo attached to /report goes with the report (bot/media).
	return b.converse(ctx, c, bot.Inbound{Flow: reportFlow, Media: b.commandAttachments(c)})
}

// language opens the language menu.
func (b *Bot) language(ctx context.Context, c *call) (*discordgo.InteractionResponseData, error) {
	return b.converse(ctx, c, bot.Inbound{Word: flows.WordLanguage})
}

// referencePattern is what a report reference may look like (DC-7KQ2-9D);
// anything else is refused before it reaches the runtime.
var referencePattern = regexp.MustCompile(`^[A-Za-z0-9]{1,8}(-[A-Za-z0-9]{1,8}){0,3}$`)

// status asks for a report's status, or the member's latest reports
// without a reference. Intake answers the command before the conversation
// engine, so it does not move the member's place in a flow.
func (b *Bot) status(ctx context.Context, c *call) (*discordgo.InteractionResponseData, error) {
	ref := ""
	if o := c.i.ApplicationCommandData().GetOption(optReference); o != nil {
		if s, ok := o.Value.(string); ok {
			ref = strings.ToUpper(strings.TrimSpace(s))
		}
	}
	if ref != "" && !referencePattern.MatchString(ref) {
		return b.notice(b.langOf(ctx, c), "discord.status.bad_reference", nil), nil
	}
	return b.converse(ctx, c, bot.Inbound{Command: commandStatus, Arg: ref})
}

// commandStatus is intake's status command (intake.CommandStatus).
const commandStatus = "status"

// link asks for a code to link this account with another channel, or,
// with the code from the other channel, links them. Intake answers before
// the conversation engine (intake.CommandLink); the code is masked in what
// is stored.
func (b *Bot) link(ctx context.Context, c *call) (*discordgo.InteractionResponseData, error) {
	code := ""
	if o := c.i.ApplicationCommandData().GetOption(optCode); o != nil {
		if s, ok := o.Value.(string); ok {
			code = strings.TrimSpace(s)
		}
	}
	return b.converse(ctx, c, bot.Inbound{Command: commandLink, Arg: code})
}

// intake's link commands (intake.CommandLink, intake.CommandUnlink).
const (
	commandLink   = "link"
	commandUnlink = "unlink"
)
