package discord

import (
	"context"
	"net"
	"net/url"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/media"
)

// cdnHosts serve Discord's attachments; nothing else is fetched for this
// channel.
var cdnHosts = []string{"cdn.discordapp.com", "media.discordapp.net"}

// optPhoto is /report's attachment option.
const optPhoto = "photo"

// cdnOK reports whether u is an attachment on Discord's CDN (https, one
// of cdnHosts, no user or port), or on cfg.CDNBaseURL's host when a test
// set it.
func (c Config) cdnOK(u *url.URL) bool {
	if u == nil || u.User != nil || u.Fragment != "" {
		return false
	}
	if c.CDNBaseURL != "" {
		b, err := url.Parse(c.CDNBaseURL)
		return err == nil && u.Scheme == b.Scheme && strings.EqualFold(u.Host, b.Host)
	}
	if u.Scheme != "https" || u.Port() != "" || net.ParseIP(u.Hostname()) != nil {
		return false
	}
	for _, h := range cdnHosts {
		if strings.EqualFold(u.Hostname(), h) {
			return true
		}
	}
	return false
}

// MediaFetcher fetches Discord attachments for the media worker
// (bot/media): no credentials (attachment URLs are signed by Discord),
// only from Discord's CDN, internal addresses refused when dialling.
func (c Config) MediaFetcher() *media.HTTPFetcher {
	loopback := false
	if b, err := url.Parse(c.CDNBaseURL); err == nil && c.CDNBaseURL != "" && b.Scheme == "http" {
		ip := net.ParseIP(b.Hostname())
		loopback = b.Hostname() == "localhost" || ip != nil && ip.IsLoopback()
	}
	return &media.HTTPFetcher{Allowed: c.cdnOK, AllowLoopback: loopback}
}

// attachments are a message's (or a command's) attachments as media, at
// most bot.MaxMedia, those not on Discord's CDN left out.
func (b *Bot) attachments(list []*discordgo.MessageAttachment) []bot.Media {
	var out []bot.Media
	for _, a := range list {
		if a == nil || len(out) == bot.MaxMedia || len(a.URL) > 2048 {
			continue
		}
		u, err := url.Parse(a.URL)
		if err != nil || !b.cfg.cdnOK(u) {
			b.log.Warn("discord: an attachment not on Discord's CDN was left out")
			continue
		}
		out = append(out, bot.Media{URL: a.URL, ContentType: strings.ToLower(a.ContentType)})
	}
	return out
}

// commandAttachments are the attachment options of a slash command.
func (b *Bot) commandAttachments(c *call) []bot.Media {
	data := c.i.ApplicationCommandData()
	o := data.GetOption(optPhoto)
	if o == nil || data.Resolved == nil {
		return nil
	}
	id, _ := o.Value.(string)
	if a := data.Resolved.Attachments[id]; a != nil {
		return b.attachments([]*discordgo.MessageAttachment{a})
	}
	return nil
}

// mediaOnly answers a direct message that carries only attachments, as
// SMS does: kept during a report, otherwise not, and the member told why.
func mediaOnly(_ context.Context, t *bot.Turn) (bot.Verdict, error) {
	in := t.In
	if in.MediaCount() == 0 || strings.TrimSpace(in.Text) != "" || in.Flow != "" || in.Command != "" || in.Choice != "" || in.Word != "" {
		return bot.Verdict{}, nil
	}
	return t.MediaOnly()
}
