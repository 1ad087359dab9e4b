package discord

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// current returns the member's saved conversation, and false if they have
// none yet. It reads a snapshot without locking: it decides what to show
// (a stale-click notice, the language of a form), never what to store.
func (b *Bot) current(ctx context.Context, user string) (flows.Conversation, bool, error) {
	var conv flows.Conversation
	buf, err := b.store.ConversationState(ctx, Channel, user)
	if errors.Is(err, store.ErrNotFound) {
		return conv, false, nil
	}
	if err != nil {
		return conv, false, err
	}
	if err := json.Unmarshal(buf, &conv); err != nil {
		// The runtime starts such a conversation again; so do we.
		return flows.Conversation{}, false, nil
	}
	return conv, conv.State != "", nil
}

// jurisdictionVar is the conversation variable holding the member's place
// (kept across restarts by the engine), which intake routes reports by.
const jurisdictionVar = "jurisdiction"

// seedPlace gives a member of a server with a default place that place,
// unless their conversation already knows one: the server's moderators
// know where their community is. It runs in its own transaction, holding
// the contact as the runtime does.
func (b *Bot) seedPlace(ctx context.Context, c *call) error {
	if c.guild == nil || c.guild.Jurisdiction == "" {
		return nil
	}
	return b.store.InTx(ctx, func(tx *store.Tx) error {
		contact, err := tx.ContactForUpdate(ctx, Channel, c.user)
		if err != nil {
			return err
		}
		var conv flows.Conversation
		buf, err := tx.LoadConversation(ctx, contact.ID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			conv.Lang = c.inLang()
		case err != nil:
			return err
		default:
			if json.Unmarshal(buf, &conv) != nil {
				conv = flows.Conversation{Lang: c.inLang()}
			}
		}
		if conv.Vars[jurisdictionVar] != "" {
			return nil
		}
		if conv.Vars == nil {
			conv.Vars = map[string]string{}
		}
		conv.Vars[jurisdictionVar] = c.guild.Jurisdiction
		state, err := json.Marshal(conv)
		if err != nil {
			return err
		}
		return tx.SaveConversation(ctx, contact.ID, state, b.now())
	})
}

// converse sends texts, in order, through the conversation runtime as the
// member, and renders every reply and the last prompt. The interaction id
// is the last message's external id (earlier ones get a suffix), so a
// repeated interaction is answered from what was stored and runs nothing
// twice.
func (b *Bot) converse(ctx context.Context, c *call, texts ...string) (*discordgo.InteractionResponseData, error) {
	var all bot.Outcome
	for n, text := range texts {
		ext := c.i.ID
		if n < len(texts)-1 {
			ext += ":" + strconv.Itoa(n+1)
		}
		out, err := b.rt.Handle(ctx, bot.Inbound{Channel: Channel, Address: c.user, Text: text, ExternalID: ext, Lang: c.inLang(), At: b.now()})
		if err != nil {
			return nil, err
		}
		all.Replies = append(all.Replies, out.Replies...)
		all.Prompt, all.Lang, all.Duplicate = out.Prompt, out.Lang, out.Duplicate
	}
	if all.Lang == "" {
		all.Lang = locales.English
	}
	return b.render(all), nil
}

// langOf is the language to answer a member in outside the conversation:
// their conversation's, else what a new one would start in.
func (b *Bot) langOf(ctx context.Context, c *call) locales.Lang {
	if conv, ok, err := b.current(ctx, c.user); err == nil && ok && conv.Lang != "" {
		return conv.Lang
	}
	if l := c.inLang(); l != "" {
		return l
	}
	return locales.English
}
