package discord

import (
	"context"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
)

// component answers a click on a button or a choice in a select menu by
// sending the choice's key (or the global word) through the conversation,
// and replaces the message clicked on with the next step. A button that
// asks for typed text opens a modal instead.
func (b *Bot) component(w http.ResponseWriter, r *http.Request, c *call) {
	data := c.i.MessageComponentData()
	kind, state, arg, ok := parseCustomID(data.CustomID)
	if !ok {
		b.log.Info("unknown component", "interaction", c.i.ID)
		b.respond(w, r, c.i, false, func(ctx context.Context) *discordgo.InteractionResponseData {
			return b.notice(b.langOf(ctx, c), "discord.stale", nil)
		})
		return
	}
	if kind == kindModal {
		// A modal must be the immediate answer; the language lookup is one
		// indexed read, bounded well inside Discord's 3 seconds.
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		lang := b.langOf(ctx, c)
		cancel()
		writeJSON(w, discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: b.modal(lang, state)})
		return
	}
	b.respond(w, r, c.i, true, func(ctx context.Context) *discordgo.InteractionResponseData {
		conv, ok, err := b.current(ctx, c.user)
		if err != nil {
			b.log.Error("load conversation", "interaction", c.i.ID, "err", err)
			return b.errorData(ctx, c.i)
		}
		var text string
		switch kind {
		case kindChoice:
			text = arg
		case kindSelect:
			if len(data.Values) != 1 {
				return b.notice(b.langOf(ctx, c), "discord.stale", nil)
			}
			text = data.Values[0]
		case kindWord:
			var found bool
			if text, found = b.word(conv.Lang, arg); !found {
				return b.notice(b.langOf(ctx, c), "discord.stale", nil)
			}
			if arg == "menu" {
				// MENU works from anywhere, even an old message; a member
				// without a conversation gets the welcome instead.
				if !ok {
					text = ""
				}
				return b.answer(ctx, c, text)
			}
		default:
			return b.notice(b.langOf(ctx, c), "discord.stale", nil)
		}
		// A click on an older message must not pick an option of whatever
		// the conversation asks now. A repeated interaction is answered
		// from what was stored the first time.
		if (!ok || conv.State != state) && !b.seen(ctx, c.i.ID) {
			return b.notice(b.langOf(ctx, c), "discord.stale", nil)
		}
		return b.answer(ctx, c, text)
	})
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
		conv, ok, err := b.current(ctx, c.user)
		if err != nil {
			b.log.Error("load conversation", "interaction", c.i.ID, "err", err)
			return b.errorData(ctx, c.i)
		}
		if (!ok || conv.State != state) && !b.seen(ctx, c.i.ID) {
			return b.notice(b.langOf(ctx, c), "discord.stale", nil)
		}
		return b.answer(ctx, c, value)
	})
}

// answer runs one message through the conversation and renders the result,
// or the error reply.
func (b *Bot) answer(ctx context.Context, c *call, text string) *discordgo.InteractionResponseData {
	data, err := b.converse(ctx, c, text)
	if err != nil {
		b.log.Error("conversation step failed", "interaction", c.i.ID, "err", err)
		return b.errorData(ctx, c.i)
	}
	return data
}

// seen reports whether the interaction was already handled.
func (b *Bot) seen(ctx context.Context, id string) bool {
	_, _, err := b.store.InboundByExternalID(ctx, Channel, id)
	return err == nil
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
