// Package discord is the Discord channel: the HTTP interactions endpoint
// (slash commands, buttons, select menus, modals), the gateway session for
// direct messages, command registration, and delivery of staff updates by
// DM. It drives the same conversation runtime as SMS, with channel
// "discord" and the Discord user id as the address, so a member gets the
// same answers, reports and references as a texter.
//
// Replies to interactions are ephemeral: nobody else in a server sees what
// a member asked or reported.
package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Channel is the name Discord contacts and messages are stored under.
const Channel = "discord"

// Config is what Discord gives an application, from the Developer Portal.
type Config struct {
	// AppID is the application id (DISCORD_APP_ID); follow-up messages
	// are sent to webhooks/<AppID>/<interaction token>.
	AppID string
	// PublicKey is the hex Ed25519 key interactions are signed with
	// (DISCORD_PUBLIC_KEY).
	PublicKey string
	// BotToken authenticates the gateway session, DMs and command
	// registration (DISCORD_BOT_TOKEN). It is a secret: never log it.
	BotToken string
	// CDNBaseURL, for tests only, is the scheme and host attachments are
	// accepted and fetched from instead of Discord's CDN (a fake on
	// loopback).
	CDNBaseURL string
}

// Enabled reports whether any Discord setting is present.
func (c Config) Enabled() bool { return c.AppID != "" || c.PublicKey != "" || c.BotToken != "" }

// Check reports the first missing or malformed setting, naming the
// environment variable; Discord needs all three.
func (c Config) Check() error {
	switch {
	case c.AppID == "":
		return errors.New("discord: DISCORD_APP_ID is not set")
	case c.PublicKey == "":
		return errors.New("discord: DISCORD_PUBLIC_KEY is not set")
	case c.BotToken == "":
		return errors.New("discord: DISCORD_BOT_TOKEN is not set")
	}
	if _, err := parsePublicKey(c.PublicKey); err != nil {
		return err
	}
	return nil
}

func parsePublicKey(s string) (ed25519.PublicKey, error) {
	k, err := hex.DecodeString(s)
	if err != nil || len(k) != ed25519.PublicKeySize {
		return nil, errors.New("discord: DISCORD_PUBLIC_KEY must be the application's public key: 64 hex digits")
	}
	return ed25519.PublicKey(k), nil
}

// NewSession returns a discordgo session for the bot token: the REST
// client for follow-ups, DMs and registration, and the gateway for DMs.
// It does not connect.
func NewSession(token string) (*discordgo.Session, error) {
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		return nil, fmt.Errorf("discord: session: %w", err)
	}
	s.Client = &http.Client{Timeout: restTimeout}
	s.Identify.Intents = discordgo.IntentsDirectMessages
	s.ShouldReconnectOnError = true
	return s, nil
}

const (
	// restTimeout bounds one call to Discord's REST API.
	restTimeout = 20 * time.Second
	// answerWithin is how long an interaction's work may take before it
	// is deferred: Discord drops an interaction not answered within 3 s,
	// and the answer must still cross the network.
	answerWithin = 2 * time.Second
	// workTimeout bounds the work behind one interaction or DM, deferred
	// or not; a follow-up token stays valid for 15 minutes.
	workTimeout = 60 * time.Second
)

// Bot answers Discord interactions and direct messages.
type Bot struct {
	rt        *bot.Runtime
	store     *store.Store
	cat       *locales.Catalog
	session   *discordgo.Session
	publicKey ed25519.PublicKey
	appID     string
	cfg       Config
	log       *slog.Logger
	// now is the clock for the replay window.
	now func() time.Time
	// answerWithin is how long to wait before deferring (tests shorten it).
	answerWithin time.Duration
	// pending tracks deferred work, so Wait can let it finish.
	pending sync.WaitGroup
}

// New returns the Discord bot and registers the Discord channel with rt.
// session is the REST (and gateway) client from NewSession; the runtime's
// store also holds the servers' settings.
func New(cfg Config, rt *bot.Runtime, session *discordgo.Session, log *slog.Logger) (*Bot, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	key, _ := parsePublicKey(cfg.PublicKey)
	if log == nil {
		log = slog.Default()
	}
	rt.Register(channel())
	return &Bot{
		rt:           rt,
		store:        rt.Store,
		cat:          rt.Engine.Catalog(),
		session:      session,
		publicKey:    key,
		appID:        cfg.AppID,
		cfg:          cfg,
		log:          log.With("channel", Channel),
		now:          time.Now,
		answerWithin: answerWithin,
	}, nil
}

// Register adds the interactions endpoint to mux.
func (b *Bot) Register(mux *http.ServeMux) {
	mux.Handle("POST /discord/interactions", b)
}

// Wait blocks until deferred interaction work has been followed up, or ctx
// ends; the server calls it while shutting down.
func (b *Bot) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { b.pending.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
