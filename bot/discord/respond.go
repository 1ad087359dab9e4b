package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
)

// respond runs work and answers the interaction with its result: at once
// if work finishes within answerWithin, otherwise with a deferral (type 5,
// "thinking…", or type 6 for a click) followed by an edit of the original
// message through the interaction webhook once work is done. update says
// whether the result replaces the message a component sat on (type 7)
// rather than being a new ephemeral message (type 4).
//
// work runs with a context that outlives the request: a member's message is
// committed whether or not Discord is still waiting for us.
func (b *Bot) respond(w http.ResponseWriter, r *http.Request, i *discordgo.Interaction, update bool, work func(ctx context.Context) *discordgo.InteractionResponseData) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), workTimeout)
	done := make(chan *discordgo.InteractionResponseData, 1)
	b.pending.Add(1)
	go func() {
		defer b.pending.Done()
		defer cancel()
		defer func() {
			if v := recover(); v != nil {
				b.log.Error("panic in interaction", "interaction", i.ID, "panic", fmt.Sprint(v))
				done <- b.errorData(ctx, i)
			}
		}()
		done <- work(ctx)
	}()

	timer := time.NewTimer(b.answerWithin)
	defer timer.Stop()
	select {
	case data := <-done:
		resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}
		if update {
			resp.Type = discordgo.InteractionResponseUpdateMessage
		} else {
			data.Flags |= discordgo.MessageFlagsEphemeral
		}
		writeJSON(w, resp)
		return
	case <-timer.C:
	}

	deferred := &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	}
	if update {
		deferred = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	}
	writeJSON(w, deferred)
	b.log.Info("interaction deferred", "interaction", i.ID)

	b.pending.Add(1)
	go func() {
		defer b.pending.Done()
		data := <-done
		b.followUp(i, data)
	}()
}

// followUp replaces the deferred answer with data, through the
// interaction's webhook (valid 15 minutes; no bot token needed).
func (b *Bot) followUp(i *discordgo.Interaction, data *discordgo.InteractionResponseData) {
	ctx, cancel := context.WithTimeout(context.Background(), restTimeout)
	defer cancel()
	edit := &discordgo.WebhookEdit{
		Content:         &data.Content,
		Components:      &data.Components,
		AllowedMentions: data.AllowedMentions,
	}
	// The signed payload names the application, but follow-ups go only to
	// our own application's webhook.
	target := *i
	target.AppID = b.appID
	if _, err := b.session.InteractionResponseEdit(&target, edit, discordgo.WithContext(ctx)); err != nil {
		b.log.Error("interaction follow-up failed", "interaction", i.ID, "err", quiet(err))
		return
	}
	b.log.Info("interaction followed up", "interaction", i.ID)
}

func writeJSON(w http.ResponseWriter, v any) {
	buf, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(buf)
}
