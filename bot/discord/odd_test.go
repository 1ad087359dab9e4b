package discord

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot/bottest"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// Every odd text (NUL, invalid UTF-8, 2100 characters, emoji,
// right-to-left, empty, blank) sent as a direct message, or typed into a
// question's form in a signed interaction, gets a reply in the member's
// language and is stored, cleaned, on both backends.
func TestDiscordOddInput(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			h := newHarness(t, backend)
			stored := func(user string) string {
				t.Helper()
				c, err := h.store.ContactByAddress(t.Context(), Channel, user)
				if err != nil {
					t.Fatal(err)
				}
				msgs, err := h.store.Transcript(t.Context(), c.ID, 0)
				if err != nil {
					t.Fatal(err)
				}
				for i := len(msgs) - 1; i >= 0; i-- {
					if msgs[i].Direction == store.DirectionIn {
						return msgs[i].Body
					}
				}
				t.Fatalf("nothing stored for %s", user)
				return ""
			}
			for i, tc := range bottest.OddInputs {
				// A direct message, after "hola" chose Spanish.
				user := fmt.Sprintf("79000000000000%04d", i)
				h.now = h.now.Add(time.Minute)
				h.directMessage(user, fmt.Sprintf("odd-dm-%d-0", i), "hola")
				h.now = h.now.Add(time.Minute)
				if reply := h.directMessage(user, fmt.Sprintf("odd-dm-%d-1", i), tc.Text); !bottest.InLanguage(h.cat, locales.Spanish, reply) {
					t.Errorf("DM %s: the reply is not Spanish messages: %q", tc.Name, reply)
				}
				if s := stored(user); s != tc.Stored {
					t.Errorf("DM %s: stored %q, want %q", tc.Name, s, tc.Stored)
				}

				// Typed into the form of the report's first question.
				m := member{id: fmt.Sprintf("79100000000000%04d", i), locale: "es-ES"}
				tr := &transcript{h: h, m: m}
				tr.command(cmdReport)
				tr.answerPrompt("intake.category", nil, nil)
				if st := tr.state(); st != "intake.what" {
					t.Fatalf("after a category the report asks %s, want intake.what", st)
				}
				resp := response(t, h.do(m.submit(h, customID(kindForm, "intake.what"), tc.Text)))
				if !bottest.InLanguage(h.cat, locales.Spanish, resp.Data.Content) {
					t.Errorf("form %s: the reply is not Spanish messages: %q", tc.Name, resp.Data.Content)
				}
				if s := stored(m.id); s != tc.Stored {
					t.Errorf("form %s: stored %q, want %q", tc.Name, s, tc.Stored)
				}
			}
		})
	}
}

// directMessage sends text as a DM from user now and returns what the bot
// sent back, its messages joined by a blank line.
func (h *harness) directMessage(user, id, text string) string {
	sent := len(h.discord.recorded())
	h.bot.OnMessageCreate(h.session, &discordgo.MessageCreate{Message: &discordgo.Message{
		ID: id, ChannelID: "dm-" + user, Content: text, Timestamp: h.now,
		Author: &discordgo.User{ID: user, Username: "member"},
	}})
	var got []string
	for _, c := range h.discord.recorded()[sent:] {
		got = append(got, fmt.Sprint(c.Body["content"]))
	}
	return strings.Join(got, "\n\n")
}
