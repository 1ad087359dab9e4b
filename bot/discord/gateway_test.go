package discord

import (
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// A direct message conversation gets exactly what the same texts get over
// SMS.
func TestDirectMessagesGetTheSameAnswersAsSMS(t *testing.T) {
	conversations := [][]string{
		{"hola", "1", "menu", "3"},
		{"My landlord changed the locks", "back", "help", "language", "4"},
		{"你好", "2", "source"},
		{"", "\x00\x01", strings.Repeat("a", 5000), "menu"},
	}
	for n, texts := range conversations {
		h := newHarness(t, storetest.SQLite)
		sms := newHarness(t, storetest.SQLite)
		const user = "750000000000000001"
		for i, text := range texts {
			sent := len(h.discord.recorded())
			h.now = h.now.Add(time.Minute)
			sms.now = h.now
			h.bot.OnMessageCreate(h.session, &discordgo.MessageCreate{Message: &discordgo.Message{
				ID: "dm-msg-" + string(rune('a'+i)), ChannelID: "dmchan-1", Content: text, Timestamp: h.now,
				Author: &discordgo.User{ID: user, Username: "member"},
			}})
			want, err := sms.rt.Handle(t.Context(), bot.Inbound{Channel: "sms", Address: "+12025550100", Text: text, ExternalID: "SM" + string(rune('a'+i)), At: sms.now})
			if err != nil {
				t.Fatal(err)
			}
			calls := h.discord.recorded()
			var got []string
			for _, c := range calls[sent:] {
				got = append(got, c.Body["content"].(string))
			}
			if strings.Join(got, "\n\n") != bot.JoinReplies(want.Replies) {
				t.Errorf("conversation %d, message %d (%q):\nDM:  %q\nSMS: %q", n, i, text, got, bot.JoinReplies(want.Replies))
			}
			for _, c := range calls {
				if c.Method != "POST" || c.Path != "/api/v"+discordgo.APIVersion+"/channels/dmchan-1/messages" {
					t.Fatalf("unexpected call %s %s", c.Method, c.Path)
				}
			}
		}
	}
}

func TestDirectMessagesIgnoreServersAndBots(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	for _, m := range []*discordgo.Message{
		{ID: "1", ChannelID: "c", Content: "hi", GuildID: "800000000000000001", Author: &discordgo.User{ID: "u1"}},
		{ID: "2", ChannelID: "c", Content: "hi", Author: &discordgo.User{ID: "u2", Bot: true}},
		{ID: "3", ChannelID: "c", Content: "hi"},
	} {
		h.bot.OnMessageCreate(h.session, &discordgo.MessageCreate{Message: m})
	}
	if n := countRows(t, h, "messages"); n != 0 {
		t.Errorf("%d messages stored", n)
	}
	if calls := h.discord.recorded(); len(calls) != 0 {
		t.Errorf("calls %+v", calls)
	}
	// A repeated gateway event (a resumed session replays events; a new
	// gateway holder may get one the old holder answered) is stored and
	// answered once.
	m := &discordgo.Message{ID: "4", ChannelID: "c", Content: "hi", Author: &discordgo.User{ID: "u3"}, Timestamp: h.now}
	h.bot.OnMessageCreate(h.session, &discordgo.MessageCreate{Message: m})
	first, answers := countRows(t, h, "messages"), len(h.discord.recorded())
	if answers == 0 {
		t.Fatal("the event was not answered")
	}
	h.bot.OnMessageCreate(h.session, &discordgo.MessageCreate{Message: m})
	if countRows(t, h, "messages") != first {
		t.Error("a repeated gateway event was stored twice")
	}
	if n := len(h.discord.recorded()); n != answers {
		t.Errorf("a repeated gateway event was answered again (%d calls, then %d)", answers, n)
	}
}

func TestSendDeliversStaffUpdatesByDM(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	id, err := h.bot.Send(t.Context(), store.Outbound{ID: 7, Channel: Channel, ContactID: 3, Address: "760000000000000001", Body: "Su reporte está en revisión."})
	if err != nil {
		t.Fatal(err)
	}
	calls := h.discord.recorded()
	if len(calls) != 2 {
		t.Fatalf("calls %+v", calls)
	}
	if calls[0].Path != "/api/v"+discordgo.APIVersion+"/users/@me/channels" || calls[0].Body["recipient_id"] != "760000000000000001" {
		t.Errorf("DM channel opened with %+v", calls[0])
	}
	if calls[1].Path != "/api/v"+discordgo.APIVersion+"/channels/dm-760000000000000001/messages" || calls[1].Body["content"] != "Su reporte está en revisión." {
		t.Errorf("DM sent as %+v", calls[1])
	}
	if id == "" {
		t.Error("no message id returned")
	}
	if _, err := h.bot.Send(t.Context(), store.Outbound{Channel: "sms", Address: "x", Body: "y"}); err == nil {
		t.Error("an SMS row was accepted")
	}
	h.discord.mu.Lock()
	h.discord.fail = true
	h.discord.mu.Unlock()
	_, err = h.bot.Send(t.Context(), store.Outbound{ID: 8, Channel: Channel, ContactID: 3, Address: "760000000000000001", Body: "secret body"})
	if err == nil {
		t.Fatal("a failed send reported success")
	}
	if strings.Contains(err.Error(), "760000000000000001") || strings.Contains(err.Error(), "secret body") {
		t.Errorf("error names the member or the text: %v", err)
	}
	if outbox.IsPermanent(err) {
		t.Error("a Discord outage was marked permanent; it should be retried")
	}
	h.discord.mu.Lock()
	h.discord.fail, h.discord.refuseDM = false, true
	h.discord.mu.Unlock()
	_, err = h.bot.Send(t.Context(), store.Outbound{ID: 9, Channel: Channel, ContactID: 3, Address: "760000000000000001", Body: "x"})
	if !outbox.IsPermanent(err) {
		t.Errorf("DMs turned off: err %v, want a permanent failure", err)
	}
}
