package terminal_test

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/bottest"
	"github.com/rightsline/rightsline/bot/terminal"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// Every odd line typed at `rightsline chat` (NUL, invalid UTF-8, 2100
// characters, emoji, right-to-left text, an empty or blank line) gets a
// reply in the person's language and is stored, cleaned, on both
// backends.
func TestTerminalOddInput(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rt, err := bot.New(st, cat, bot.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Extensions: []bot.Extension{intake.Extension(st, intake.Config{Catalog: cat})}})
		if err != nil {
			t.Fatal(err)
		}
		for i, tc := range bottest.OddInputs {
			addr := "odd-" + string(rune('a'+i))
			var out bytes.Buffer
			if err := terminal.Run(t.Context(), rt, strings.NewReader("hola\n"), &out, terminal.Options{Address: addr}); err != nil {
				t.Fatal(err)
			}
			out.Reset()
			if err := terminal.Run(t.Context(), rt, strings.NewReader(tc.Text+"\n"), &out, terminal.Options{Address: addr}); err != nil {
				t.Fatalf("%s: %v", tc.Name, err)
			}
			if !bottest.InLanguage(cat, locales.Spanish, out.String()) {
				t.Errorf("%s: the reply is not Spanish messages:\n%s", tc.Name, out.String())
			}
			c, err := st.ContactByAddress(t.Context(), terminal.Channel, addr)
			if err != nil {
				t.Fatal(err)
			}
			msgs, err := st.Transcript(t.Context(), c.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			var in []string
			for _, m := range msgs {
				if m.Direction == store.DirectionIn {
					in = append(in, m.Body)
				}
			}
			if len(in) != 2 || in[1] != tc.Stored {
				t.Errorf("%s: stored %q, want %q after hola", tc.Name, in, tc.Stored)
			}
		}
	})
}
