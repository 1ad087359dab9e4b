package terminal_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/terminal"
	"github.com/rightsline/rightsline/bot/web"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

func TestTerminalConversationAndUpdates(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	rt, err := bot.New(st, cat, bot.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Extensions: []bot.Extension{intake.Extension(st, intake.Config{Catalog: cat})}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var out bytes.Buffer
	if err := terminal.Run(ctx, rt, strings.NewReader("bonjour\r\n5\n"), &out, terminal.Options{Address: "amina"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "LANGUE") || !strings.Contains(out.String(), "Français") {
		t.Fatalf("output:\n%s", out.String())
	}
	// A staff update delivered while away is shown at the next start.
	c, err := st.ContactByAddress(ctx, terminal.Channel, "amina")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := web.Sender(st).Send(ctx, store.Outbound{Channel: terminal.Channel, ContactID: c.ID, Body: "Mise a jour de votre signalement."}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := terminal.Run(ctx, rt, strings.NewReader(""), &out, terminal.Options{Address: "amina"}); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(out.String()) != "Mise a jour de votre signalement." {
		t.Fatalf("update not shown: %q", out.String())
	}
	// Once the person writes again, it is not shown again.
	if err := terminal.Run(ctx, rt, strings.NewReader("MENU\n"), &out, terminal.Options{Address: "amina"}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	terminal.Run(ctx, rt, strings.NewReader(""), &out, terminal.Options{Address: "amina"})
	if out.Len() != 0 {
		t.Fatalf("update shown twice: %q", out.String())
	}
}
