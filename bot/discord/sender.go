package discord

import (
	"context"
	"fmt"

	"github.com/rightsline/rightsline/store"
)

// Send delivers an outbox message (a staff update, already in the member's
// language) as a direct message, and returns Discord's message id. It makes
// the Bot an outbox Sender for channel "discord":
//
//	dispatcher.Register(discord.Channel, discordBot)
//
// Its errors name neither the member nor the text.
func (b *Bot) Send(ctx context.Context, msg store.Outbound) (string, error) {
	if msg.Channel != Channel {
		return "", fmt.Errorf("discord: outbox row %d is for channel %q", msg.ID, msg.Channel)
	}
	id, err := b.SendDM(ctx, msg.Address, msg.Body)
	if err != nil {
		return "", err
	}
	b.log.Info("direct message sent", "outbound", msg.ID, "contact", msg.ContactID)
	return id, nil
}
