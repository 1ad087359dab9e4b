package discord

import (
	"context"
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/locales"

	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/store"
)

// Send delivers an outbox message (a staff update, already in the member's
// language) as a direct message, and returns Discord's message id. It makes
// the Bot the outbox Sender for channel "discord":
//
//	dispatcher.Register(discord.Channel, discordBot)
//
// A member Discord will not let the bot message (no shared server, DMs
// turned off, account gone) is a permanent failure, not retried. Errors
// name neither the member nor the text.
func (b *Bot) Send(ctx context.Context, msg store.Outbound) (string, error) {
	if msg.Channel != Channel {
		return "", outbox.Permanent(fmt.Errorf("discord: outbox row %d is for channel %q", msg.ID, msg.Channel))
	}
	id, err := b.SendDM(ctx, msg.Address, msg.Body)
	if err != nil {
		if unreachable(err) {
			err = outbox.Permanent(err)
		}
		b.log.Warn("direct message not sent", "outbound", msg.ID, "contact", msg.ContactID, "err", err)
		return "", err
	}
	b.log.Info("direct message sent", "outbound", msg.ID, "contact", msg.ContactID)
	return id, nil
}

var _ outbox.Sender = (*Bot)(nil)

// unreachable reports whether Discord refused because the member cannot
// be messaged at all, which retrying will not change.
func unreachable(err error) bool {
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Message == nil {
		return false
	}
	switch re.Message.Code {
	case discordgo.ErrCodeCannotSendMessagesToThisUser, discordgo.ErrCodeUnknownUser:
		return true
	}
	return false
}

// SendDM sends text to a member in a direct message, opening the DM
// channel first, and returns Discord's message id. Staff updates reach
// members this way, through the outbox.
func (b *Bot) SendDM(ctx context.Context, userID, text string) (string, error) {
	ch, err := b.session.UserChannelCreate(userID, discordgo.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("discord: open DM channel: %w", quiet(err))
	}
	var last string
	for _, part := range locales.Split(text, maxContent, locales.Runes) {
		msg, err := b.session.ChannelMessageSendComplex(ch.ID, &discordgo.MessageSend{Content: part, AllowedMentions: noMentions()}, discordgo.WithContext(ctx))
		if err != nil {
			return "", fmt.Errorf("discord: send DM: %w", quiet(err))
		}
		last = msg.ID
	}
	return last, nil
}
