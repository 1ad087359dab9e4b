package discord

import (
	"context"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/locales"
)

// RunGateway connects the session to Discord's gateway for direct messages
// and stays connected (discordgo resumes dropped connections by itself)
// until ctx ends. A failed connection (Discord unreachable, a revoked
// token) is logged and tried again with growing pauses, so the rest of the
// service keeps running. Only the DIRECT_MESSAGES intent is asked for: a
// bot receives the content of DMs sent to it without the privileged
// MESSAGE_CONTENT intent.
func (b *Bot) RunGateway(ctx context.Context) error {
	b.session.Identify.Intents = discordgo.IntentsDirectMessages
	remove := b.session.AddHandler(b.OnMessageCreate)
	defer remove()
	pause := gatewayRetryMin
	for {
		err := b.session.Open()
		if err == nil {
			break
		}
		b.log.Error("discord gateway: cannot connect; retrying", "err", quiet(err), "in", pause)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, gatewayRetryMax)
	}
	b.log.Info("discord gateway connected (direct messages)")
	<-ctx.Done()
	if err := b.session.Close(); err != nil {
		b.log.Warn("discord gateway close", "err", quiet(err))
	}
	return ctx.Err()
}

// Pauses between attempts to connect to the gateway.
const (
	gatewayRetryMin = 5 * time.Second
	gatewayRetryMax = 5 * time.Minute
)

// OnMessageCreate answers a direct message: the text goes through the same
// conversation as an SMS, and the replies come back in the same DM.
// Messages in servers, and from bots (including this one), are ignored.
func (b *Bot) OnMessageCreate(s *discordgo.Session, m *discordgo.MessageCreate) {
	if m == nil || m.Message == nil || m.Author == nil || m.Author.Bot || m.GuildID != "" {
		return
	}
	if s.State != nil && s.State.User != nil && m.Author.ID == s.State.User.ID {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), workTimeout)
	defer cancel()
	at := m.Timestamp
	if at.IsZero() {
		at = b.now()
	}
	// A DM has no Discord locale; the conversation detects the language
	// from the first message or asks.
	out, err := b.rt.Handle(ctx, bot.Inbound{Channel: Channel, Address: m.Author.ID, Text: m.Content, Media: b.attachments(m.Attachments), ExternalID: m.ID, At: at})
	if err != nil {
		b.log.Error("direct message not handled", "message", m.ID, "err", err)
		if _, serr := s.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{
			Content: b.text("", "discord.error", nil), AllowedMentions: noMentions(),
		}, discordgo.WithContext(ctx)); serr != nil {
			b.log.Error("direct message error reply failed", "message", m.ID, "err", quiet(serr))
		}
		return
	}
	if out.Duplicate {
		// The event was handled before: by this session (a resumed
		// session replays events) or by another instance that held the
		// gateway before it died. It was answered then; never twice.
		b.log.Info("direct message already handled; not answered again", "message", m.ID, "contact", out.Contact.ID)
		return
	}
	for _, part := range locales.Split(bot.JoinReplies(out.Replies), maxContent, locales.Runes) {
		if _, err := s.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{Content: part, AllowedMentions: noMentions()}, discordgo.WithContext(ctx)); err != nil {
			// The replies are stored; the member gets them by sending
			// anything again (the conversation repeats its prompt).
			b.log.Error("direct message reply failed", "message", m.ID, "contact", out.Contact.ID, "err", quiet(err))
			return
		}
	}
}
