package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/rightsline/rightsline/bot/terminal"
	"github.com/rightsline/rightsline/locales"
)

func runChat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := fs.String("lang", "", fmt.Sprintf("language for a new conversation, one of %v (default: detect)", locales.All))
	as := fs.String("as", "local", "who you are: the same name continues the same conversation")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: rightsline chat [--lang L] [--as NAME]\n\nChat with the bot: type a message and press Enter; Ctrl-D ends.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	var l locales.Lang
	if *lang != "" {
		var ok bool
		if l, ok = locales.ParseLang(*lang); !ok {
			fmt.Fprintf(stderr, "rightsline chat: unknown language %q (use one of %v)\n", *lang, locales.All)
			return errUsage
		}
	}
	cfg, err := loadConfigFromEnv()
	if err != nil {
		return err
	}
	// Logs go to stderr at warn so they do not mix with the conversation.
	cfg.LogLevel = "warn"
	a, err := newApp(ctx, cfg, newLogger(cfg))
	if err != nil {
		return err
	}
	defer a.Close()
	prompt := ""
	if f, ok := stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			prompt = "> "
			fmt.Fprintln(stdout, "Type a message and press Enter (Ctrl-D to end). Try: hi")
		}
	}
	return terminal.Run(ctx, a.runtime, stdin, stdout, terminal.Options{Address: *as, Lang: l, Prompt: prompt})
}
