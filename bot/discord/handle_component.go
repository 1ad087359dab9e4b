package discord

import (
	"context"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
)

// component answers a click on a button or a choice in a select menu by
// sending the choice (or the global word), with the state it was offered
// in, through the runtime, and replaces the message clicked on with the
// next step. A button that asks for typed text opens a modal instead.
func (b *Bot) component(w http.ResponseWriter, r *http.Request, c *call) {
	data := c.i.MessageComponentData()
	kind, state, arg, ok := parseCustomID(data.CustomID)
	if ok && kind == kindModal {
		// A modal must be the immediate answer; the language lookup is one
		// indexed read, bounded well inside Discord's 3 seconds.
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		lang := b.langOf(ctx, c)
		cancel()
		writeJSON(w, discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: b.modal(lang, state)})
		return
	}
	in, known := clicked(kind, state, arg, data.Values)
	if !ok || !known {
		b.log.Info("unknown component", "interaction", c.i.ID)
		b.respond(w, r, c.i, false, func(ctx context.Context) *discordgo.InteractionResponseData {
			return b.notice(b.langOf(ctx, c), "discord.stale", nil)
		})
		return
	}
	// The runtime checks the click against the state it was offered in,
	// under its lock on the member: a click on an older message never
	// picks an option of whatever the conversation asks now.
	b.respond(w, r, c.i, true, func(ctx context.Context) *discordgo.InteractionResponseData {
		return b.answer(ctx, c, in)
	})
}

// clicked is what a click means: a choice, or a global word, in the state
// it was offered in.
func clicked(kind, state, arg string, values []string) (bot.Inbound, bool) {
	switch kind {
	case kindChoice:
		return bot.Inbound{Choice: arg, State: state}, arg != ""
	case kindSelect:
		if len(values) == 1 && values[0] != "" {
			return bot.Inbound{Choice: values[0], State: state}, true
		}
	case kindWord:
		if _, known := flows.WordList(arg); known {
			if arg == flows.WordMenu {
				// MENU works from anywhere, even an old message.
				return bot.Inbound{Word: arg}, true
			}
			return bot.Inbound{Word: arg, State: state}, true
		}
	}
	return bot.Inbound{}, false
}

// modalSubmit sends the text typed into a modal through the conversation.
func (b *Bot) modalSubmit(w http.ResponseWriter, r *http.Request, c *call) {
	data := c.i.ModalSubmitData()
	kind, state, _, ok := parseCustomID(data.CustomID)
	value, found := modalValue(data)
	// A modal opened from a button updates that button's message; one
	// opened from a command has no message to update.
	update := c.i.Message != nil
	b.respond(w, r, c.i, update, func(ctx context.Context) *discordgo.InteractionResponseData {
		if !ok || kind != kindForm || !found {
			b.log.Info("unknown modal", "interaction", c.i.ID)
			return b.notice(b.langOf(ctx, c), "discord.stale", nil)
		}
		return b.answer(ctx, c, bot.Inbound{Text: value, State: state})
	})
}

// answer runs one message through the conversation and renders the result,
// or the error reply.
func (b *Bot) answer(ctx context.Context, c *call, in bot.Inbound) *discordgo.InteractionResponseData {
	data, err := b.converse(ctx, c, in)
	if err != nil {
		b.log.Error("conversation step failed", "interaction", c.i.ID, "err", err)
		return b.errorData(ctx, c.i)
	}
	return data
}

// modalValue finds the text input's value in a modal submission.
func modalValue(d discordgo.ModalSubmitInteractionData) (string, bool) {
	for _, comp := range d.Components {
		row, ok := comp.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, inner := range row.Components {
			if in, ok := inner.(*discordgo.TextInput); ok && in.CustomID == inputID {
				return in.Value, true
			}
		}
	}
	return "", false
}
