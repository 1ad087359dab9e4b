package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot/discord"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// discordConfig is the Discord part of the configuration.
func discordConfig(cfg config) discord.Config {
	return discord.Config{AppID: cfg.DiscordAppID, PublicKey: cfg.DiscordPublicKey, BotToken: cfg.DiscordBotToken}
}

// discordBots holds each app's one Discord bot, shared by the interactions
// endpoint, the gateway and the outbox, so they use one session.
var discordBots = struct {
	sync.Mutex
	m map[*app]*discord.Bot
}{m: map[*app]*discord.Bot{}}

// discordBot returns the app's Discord bot, or nil when Discord is not
// configured. Some but not all of the three settings is an error.
func discordBot(a *app) (*discord.Bot, error) {
	discordBots.Lock()
	defer discordBots.Unlock()
	if b, ok := discordBots.m[a]; ok {
		return b, nil
	}
	cfg := discordConfig(a.cfg)
	if !cfg.Enabled() {
		discordBots.m[a] = nil
		return nil, nil
	}
	if err := cfg.Check(); err != nil {
		return nil, fmt.Errorf("%w (set all three of DISCORD_APP_ID, DISCORD_PUBLIC_KEY, DISCORD_BOT_TOKEN, or none)", err)
	}
	session, err := discord.NewSession(cfg.BotToken)
	if err != nil {
		return nil, err
	}
	b, err := discord.New(cfg, a.runtime, session, a.log)
	if err != nil {
		return nil, err
	}
	discordBots.m[a] = b
	return b, nil
}

// mountDiscord serves POST /discord/interactions when Discord is
// configured; otherwise it says so and the route answers 404.
func mountDiscord(mux *http.ServeMux, a *app) error {
	b, err := discordBot(a)
	if err != nil {
		return err
	}
	if b == nil {
		a.log.Info("discord off: DISCORD_APP_ID, DISCORD_PUBLIC_KEY and DISCORD_BOT_TOKEN are not set; /discord/interactions answers 404")
		return nil
	}
	b.Register(mux)
	a.log.Info("discord on: interactions at /discord/interactions; direct messages through the gateway")
	return nil
}

// runDiscordGateway keeps the gateway connection for direct messages
// until ctx ends, then lets deferred interaction work finish.
//
// Of many instances on one Postgres only one holds the gateway at a time
// (a Postgres advisory lock; see store.Lead): Discord sends every event to
// every connected session, so N connections would mean N answers. When
// the holder dies its database session ends, the lock is freed, and
// another instance connects at its next poll, within about a second. An
// event that reaches two sessions anyway (a holder cut off from the
// database for a moment) is answered once: the runtime stores it under its
// Discord message id and the second handling finds it there.
func runDiscordGateway(ctx context.Context, a *app) error {
	b, err := discordBot(a)
	if err != nil || b == nil {
		return err
	}
	err = a.store.Lead(ctx, "discord-gateway", store.LeadOptions{OnChange: func(holding bool) {
		if holding {
			a.metrics.leader.Set(1)
			a.metrics.leaderGains.Inc()
			a.log.Info("discord gateway: this instance holds it")
		} else {
			a.metrics.leader.Set(0)
			a.log.Info("discord gateway: this instance let it go")
		}
	}}, b.RunGateway)
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.ShutdownTimeout)
	defer cancel()
	if werr := b.Wait(wctx); werr != nil {
		a.log.Warn("discord: deferred interactions still running at shutdown", "err", werr)
	}
	return err
}

// registerDiscordSender makes direct messages the outbox's way to reach
// members on channel "discord" (staff updates, in their language). Call it
// where the outbox dispatcher is built; it does nothing when Discord is off.
func registerDiscordSender(a *app, d dispatcher) error {
	b, err := discordBot(a)
	if err != nil || b == nil {
		return err
	}
	d.register(discord.Channel, b)
	return nil
}

func runDiscord(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	usage := func() {
		fmt.Fprintln(stderr, "Usage: rightsline discord register [--guild ID] [--print]")
		fmt.Fprintln(stderr, "\nRegisters the slash commands (/rights, /report, /language, /status, /help, /setup) with")
		fmt.Fprintln(stderr, "names and descriptions in every language Discord has a locale for. Global commands can")
		fmt.Fprintln(stderr, "take up to an hour to appear; --guild registers in one server at once (for testing).")
	}
	if len(args) == 0 || args[0] != "register" {
		usage()
		return errUsage
	}
	fs := flag.NewFlagSet("discord register", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = usage
	guild := fs.String("guild", "", "register in this server only (its id) instead of globally")
	print := fs.Bool("print", false, "print the commands as JSON instead of registering them")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	cat, err := locales.Load()
	if err != nil {
		return err
	}
	if *print {
		cmds, err := discord.Commands(cat)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cmds)
	}
	cfg, err := loadConfigFromEnv()
	if err != nil {
		return err
	}
	dc := discordConfig(cfg)
	if dc.AppID == "" || dc.BotToken == "" {
		return errors.New("discord register needs DISCORD_APP_ID and DISCORD_BOT_TOKEN (or DISCORD_BOT_TOKEN_FILE)")
	}
	session, err := discord.NewSession(dc.BotToken)
	if err != nil {
		return err
	}
	got, err := discord.RegisterCommands(ctx, session, dc.AppID, *guild, cat)
	if err != nil {
		return err
	}
	where := "globally (may take up to an hour to appear)"
	if *guild != "" {
		where = "in server " + *guild
	}
	fmt.Fprintf(stdout, "Registered %d commands %s:\n", len(got), where)
	for _, c := range got {
		fmt.Fprintf(stdout, "  /%s  %s\n", c.Name, localizedNames(c))
	}
	return nil
}

func localizedNames(c *discordgo.ApplicationCommand) string {
	if c.NameLocalizations == nil {
		return ""
	}
	s := ""
	for _, l := range []discordgo.Locale{discordgo.SpanishES, discordgo.ChineseCN, discordgo.ChineseTW, discordgo.Vietnamese, discordgo.Korean, discordgo.French} {
		if n, ok := (*c.NameLocalizations)[l]; ok {
			s += fmt.Sprintf(" %s=/%s", l, n)
		}
	}
	return s
}
