package discord

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

func TestClickOnOldMessageIsRefused(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	alice := member{id: "720000000000000001", locale: "en-US"}
	response(t, h.do(alice.command(h, cmdRights)))
	// Go into the housing menu, then click an option of the old main menu.
	response(t, h.do(alice.click(h, customID(kindChoice, flows.StateMenu, "1"))))
	before := countRows(t, h, "messages")
	resp := response(t, h.do(alice.click(h, customID(kindChoice, flows.StateMenu, "3"))))
	if resp.Type != discordgo.InteractionResponseUpdateMessage {
		t.Errorf("type %d, want 7 (replace the old message)", resp.Type)
	}
	if want := h.bot.text("en", "discord.stale", nil); resp.Data.Content != want {
		t.Errorf("content %q, want %q", resp.Data.Content, want)
	}
	// The click is kept (as stale, with its notice) and changed nothing:
	// the buttons are still those of the housing menu.
	if n := countRows(t, h, "messages"); n != before+2 {
		t.Errorf("a stale click stored %d messages, want 2 (the click and the notice)", n-before)
	}
	if cs := controls(resp.Data); len(cs) == 0 || !strings.HasPrefix(cs[0].ID, customID(kindSelect, "housing.menu")) {
		t.Errorf("after a stale click: controls %v, want the housing menu's", cs)
	}
	// A custom id we never made is answered, not an error.
	resp = response(t, h.do(alice.click(h, "something-else")))
	if !strings.Contains(resp.Data.Content, "/rights") {
		t.Errorf("unknown component: %q", resp.Data.Content)
	}
	// MENU works from any old message.
	resp = response(t, h.do(alice.click(h, customID(kindWord, "housing.menu", "menu"))))
	if len(controls(resp.Data)) == 0 || !strings.HasPrefix(controls(resp.Data)[0].ID, customID(kindChoice, flows.StateMenu)) {
		t.Errorf("MENU from an old message: controls %v", controls(resp.Data))
	}
}

func TestRepeatedInteractionRunsOnce(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	bob := member{id: "720000000000000002", locale: "es-ES"}
	response(t, h.do(bob.command(h, cmdRights)))
	click := bob.click(h, customID(kindChoice, flows.StateMenu, "2"))
	first := response(t, h.do(click))
	n := countRows(t, h, "messages")
	second := response(t, h.do(click))
	if got := countRows(t, h, "messages"); got != n {
		t.Errorf("the repeated interaction stored %d more messages", got-n)
	}
	if second.Data.Content != first.Data.Content {
		t.Errorf("repeat answered %q, want the stored %q", second.Data.Content, first.Data.Content)
	}
}

func TestModalCollectsTypedAnswers(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	// Find a state that collects text, whatever the flows are today.
	var state string
	for _, name := range h.rt.Engine.States() {
		if st, _ := h.rt.Engine.State(name); st.Collect != nil && st.Collect.Type != "yesno" {
			state = name
			break
		}
	}
	if state == "" {
		t.Skip("no flow collects typed text yet")
	}
	carol := member{id: "720000000000000003", locale: "zh-TW"}
	resp := response(t, h.do(carol.click(h, customID(kindModal, state))))
	if resp.Type != discordgo.InteractionResponseModal {
		t.Fatalf("type %d, want 9 (modal)", resp.Type)
	}
	if resp.Data.CustomID != customID(kindForm, state) {
		t.Errorf("modal custom id %q", resp.Data.CustomID)
	}
	cs := controls(resp.Data)
	if len(cs) != 1 || cs[0].ID != inputID || cs[0].Label == "" {
		t.Fatalf("modal inputs %v, want one labelled %q", cs, inputID)
	}
	// Submitted in a conversation that is elsewhere: refused as stale.
	response(t, h.do(carol.command(h, cmdRights)))
	before := countRows(t, h, "messages")
	got := response(t, h.do(carol.submit(h, customID(kindForm, state), "20001")))
	if got.Data.Content != h.bot.text("zh-Hant", "discord.stale", nil) {
		t.Errorf("stale modal: %q", got.Data.Content)
	}
	if n := countRows(t, h, "messages"); n != before+2 {
		t.Errorf("a stale modal stored %d messages, want 2 (the answer, kept, and the notice)", n-before)
	}
	if conv := h.conversation(t, carol.id); conv.State != flows.StateMenu || conv.Vars["zip"] != "" {
		t.Errorf("a stale modal changed the conversation: %+v", conv)
	}
}

func TestSlowWorkIsDeferredAndFollowedUp(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	h.bot.answerWithin = 50 * time.Millisecond
	dan := member{id: "720000000000000004", locale: "fr", guild: "800000000000000002"}
	// Hold the database so the step waits, as under a burst of reports.
	release := make(chan struct{})
	held := make(chan struct{})
	go h.store.InTx(context.Background(), func(tx *store.Tx) error {
		close(held)
		<-release
		return nil
	})
	<-held
	w := h.do(dan.command(h, cmdRights))
	resp := response(t, w)
	if resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("type %d, want 5 (deferred)", resp.Type)
	}
	if resp.Data == nil || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Error("the deferred answer is not ephemeral")
	}
	close(release)
	if err := h.bot.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	calls := h.discord.recorded()
	if len(calls) != 1 {
		t.Fatalf("%d REST calls, want 1 follow-up: %+v", len(calls), calls)
	}
	c := calls[0]
	wantPath := "/api/v" + discordgo.APIVersion + "/webhooks/" + testAppID + "/itoken-1/messages/@original"
	if c.Method != "PATCH" || c.Path != wantPath {
		t.Errorf("follow-up %s %s, want PATCH %s", c.Method, c.Path, wantPath)
	}
	content, _ := c.Body["content"].(string)
	if want := h.bot.text("fr", "main.menu", nil); !strings.Contains(content, want) {
		t.Errorf("follow-up content %q does not show the French menu %q", content, want)
	}
	if comps, _ := c.Body["components"].([]any); len(comps) == 0 {
		t.Error("follow-up has no buttons")
	}

	// A click deferred is a deferred update (type 6), then the same edit.
	held2 := make(chan struct{})
	release2 := make(chan struct{})
	go h.store.InTx(context.Background(), func(tx *store.Tx) error { close(held2); <-release2; return nil })
	<-held2
	resp = response(t, h.do(dan.click(h, customID(kindChoice, flows.StateMenu, "1"))))
	if resp.Type != discordgo.InteractionResponseDeferredMessageUpdate {
		t.Fatalf("click: type %d, want 6", resp.Type)
	}
	close(release2)
	if err := h.bot.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if calls := h.discord.recorded(); len(calls) != 2 || calls[1].Method != "PATCH" {
		t.Errorf("click follow-up: %+v", calls)
	}
}

func TestSetupNeedsManageServer(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	const guild = "800000000000000003"
	opts := []map[string]any{
		{"name": optPlace, "type": 3, "value": "dc"},
		{"name": optLanguage, "type": 3, "value": "es"},
	}
	plain := member{id: "730000000000000001", locale: "en-US", guild: guild, perms: discordgo.PermissionSendMessages}
	resp := response(t, h.do(plain.command(h, cmdSetup, opts...)))
	if resp.Data.Content != h.bot.text("en", "discord.setup.denied", nil) {
		t.Errorf("without Manage Server: %q", resp.Data.Content)
	}
	if _, err := h.store.DiscordGuild(t.Context(), guild); err == nil {
		t.Fatal("settings saved without Manage Server")
	}

	mod := member{id: "730000000000000002", locale: "en-US", guild: guild, perms: discordgo.PermissionManageGuild | discordgo.PermissionSendMessages}
	resp = response(t, h.do(mod.command(h, cmdSetup, opts...)))
	g, err := h.store.DiscordGuild(t.Context(), guild)
	if err != nil {
		t.Fatalf("settings not saved: %v", err)
	}
	if g.Jurisdiction != "dc" || g.Lang != "es" || g.UpdatedBy != mod.id {
		t.Errorf("saved %+v", g)
	}
	if !strings.Contains(resp.Data.Content, h.bot.text("en", "place.dc", nil)) || !strings.Contains(resp.Data.Content, "Español") {
		t.Errorf("confirmation %q names neither the place nor the language", resp.Data.Content)
	}
	bad := response(t, h.do(mod.command(h, cmdSetup, map[string]any{"name": optPlace, "type": 3, "value": "atlantis"})))
	// The moderator's Discord is in English, so the server's Spanish now
	// applies to them too.
	if bad.Data.Content != h.bot.text("es", "discord.setup.bad_option", nil) {
		t.Errorf("unknown place: %q", bad.Data.Content)
	}

	// A member whose Discord is in English gets the server's Spanish, and
	// the server's place is remembered in their conversation.
	eve := member{id: "730000000000000003", locale: "en-US", guild: guild}
	resp = response(t, h.do(eve.command(h, cmdRights)))
	if !strings.Contains(resp.Data.Content, h.bot.text("es", "main.menu", nil)) {
		t.Errorf("new member in a Spanish server got %q", resp.Data.Content)
	}
	conv := h.conversation(t, eve.id)
	if conv.Vars[jurisdictionVar] != "dc" || conv.Lang != "es" {
		t.Errorf("conversation %+v, want lang es and jurisdiction dc", conv)
	}
	// A member whose Discord is in Korean keeps Korean.
	kim := member{id: "730000000000000004", locale: "ko", guild: guild}
	resp = response(t, h.do(kim.command(h, cmdRights)))
	if !strings.Contains(resp.Data.Content, h.bot.text("ko", "main.menu", nil)) {
		t.Errorf("Korean member got %q", resp.Data.Content)
	}
	// In a DM there is no server to set up.
	dm := member{id: "730000000000000005", locale: "en-US"}
	resp = response(t, h.do(dm.command(h, cmdSetup, opts...)))
	if resp.Data.Content != h.bot.text("en", "discord.setup.server_only", nil) {
		t.Errorf("setup in a DM: %q", resp.Data.Content)
	}
}

func TestLanguageAndHelpAndStatus(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	// Amharic is not a Discord locale: /language is how to get it.
	abebe := member{id: "740000000000000001", locale: "en-US"}
	resp := response(t, h.do(abebe.command(h, cmdLanguage)))
	var amharic string
	for _, c := range controls(resp.Data) {
		if c.Label == h.bot.text("am", "lang.name.am", nil) {
			amharic = c.Value
		}
	}
	if amharic == "" {
		t.Fatalf("language menu has no Amharic: %v", controls(resp.Data))
	}
	resp = response(t, h.do(abebe.click(h, customID(kindSelect, flows.StateLanguage), amharic)))
	if !strings.Contains(resp.Data.Content, h.bot.text("am", "main.lang_set", nil)) {
		t.Errorf("after choosing Amharic: %q", resp.Data.Content)
	}
	// Kept for that member, whatever their Discord locale says.
	resp = response(t, h.do(abebe.command(h, cmdHelp)))
	if resp.Data.Content != h.bot.text("am", "discord.help", nil) {
		t.Errorf("help after choosing Amharic: %q", resp.Data.Content)
	}
	resp = response(t, h.do(abebe.command(h, cmdRights)))
	if !strings.Contains(resp.Data.Content, h.bot.text("am", "main.menu", nil)) {
		t.Errorf("rights after choosing Amharic: %q", resp.Data.Content)
	}

	resp = response(t, h.do(abebe.command(h, cmdStatus, map[string]any{"name": optReference, "type": 3, "value": "'; DROP TABLE reports;--"})))
	if resp.Data.Content != h.bot.text("am", "discord.status.bad_reference", nil) {
		t.Errorf("bad reference: %q", resp.Data.Content)
	}
	resp = response(t, h.do(abebe.command(h, "frobnicate")))
	if resp.Data.Content != h.bot.text("am", "discord.unknown_command", nil) {
		t.Errorf("unknown command: %q", resp.Data.Content)
	}
}

func TestLongChoiceListsSpanSeveralMenus(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	p := flows.Prompt{State: "intake.trait"}
	for i := 1; i <= 30; i++ {
		p.Choices = append(p.Choices, flows.PromptChoice{Key: strconv.Itoa(i), Label: "trait " + strconv.Itoa(i)})
	}
	rows := h.bot.components("en", p)
	var menus, options int
	for _, r := range rows {
		for _, c := range r.(discordgo.ActionsRow).Components {
			if m, ok := c.(discordgo.SelectMenu); ok {
				menus++
				options += len(m.Options)
				if len(m.Options) > maxSelectOpts {
					t.Errorf("menu %s has %d options", m.CustomID, len(m.Options))
				}
			}
		}
	}
	if menus != 2 || options != 30 {
		t.Errorf("%d menus with %d options, want 2 with all 30", menus, options)
	}
	if len(rows) > 5 {
		t.Errorf("%d rows; Discord allows 5", len(rows))
	}
}

func TestReportAgainWhileFilingKeepsTheAnswers(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	if _, ok := h.rt.Engine.State("intake.what"); !ok {
		t.Skip("the intake flow is not in this tree yet")
	}
	m := member{id: "720000000000000009", locale: "en-US"}
	first := response(t, h.do(m.command(h, cmdReport)))
	var choice string
	for _, c := range controls(first.Data) {
		if strings.HasPrefix(c.ID, customID(kindSelect, "intake.category")) && c.Value == "1" {
			choice = c.ID
		}
	}
	if choice == "" {
		t.Fatalf("no category menu: %v", controls(first.Data))
	}
	response(t, h.do(m.click(h, choice, "1")))
	again := response(t, h.do(m.command(h, cmdReport)))
	conv := h.conversation(t, m.id)
	if conv.State != "intake.what" || conv.Vars["category"] != "housing" {
		t.Errorf("after /report again: state %q, category %q; want still at intake.what with housing", conv.State, conv.Vars["category"])
	}
	if !strings.Contains(again.Data.Content, h.bot.text("en", "intake.ask.what", nil)) {
		t.Errorf("/report again showed %q, want the current question", again.Data.Content)
	}
}

// conversation is the member's saved conversation, read from the store
// as the runtime saved it.
func (h *harness) conversation(t *testing.T, user string) flows.Conversation {
	t.Helper()
	var conv flows.Conversation
	buf, err := h.store.ConversationState(t.Context(), Channel, user)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(buf, &conv); err != nil {
		t.Fatal(err)
	}
	return conv
}

// DC's 24 protected traits and "not sure": SMS pages the list, Discord
// shows the question whole and the 25 choices in one select menu, so the
// page's list and its "reply MORE" line are left out of the text.
func TestTraitListIsOneSelectUnderTheQuestion(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	if _, ok := h.rt.Engine.State("intake.trait"); !ok {
		t.Skip("the intake flow is not in this tree yet")
	}
	out := bot.Outcome{Lang: "en", Prompt: flows.Prompt{State: "intake.trait"}, Replies: []flows.Reply{
		{ID: "intake.ask.trait", Text: "Which of these is why?"},
		{ID: "intake.trait.choices", Text: "1. Race\n2. Color\nMore choices: reply MORE"},
	}}
	for i := 1; i <= 25; i++ {
		out.Prompt.Choices = append(out.Prompt.Choices, flows.PromptChoice{Key: strconv.Itoa(i), Label: "trait " + strconv.Itoa(i)})
	}
	data := h.bot.render(out)
	if data.Content != "Which of these is why?" {
		t.Errorf("content %q: want the question alone", data.Content)
	}
	menus := 0
	for _, r := range data.Components {
		for _, c := range r.(discordgo.ActionsRow).Components {
			if m, ok := c.(discordgo.SelectMenu); ok {
				menus++
				if len(m.Options) != 25 {
					t.Errorf("select has %d options, want 25", len(m.Options))
				}
			}
		}
	}
	if menus != 1 {
		t.Errorf("%d select menus, want 1", menus)
	}
	// A short fixed menu keeps its text.
	short := bot.Outcome{Lang: "en", Prompt: flows.Prompt{State: "main.menu", Choices: []flows.PromptChoice{{Key: "1", Label: "Housing"}}},
		Replies: []flows.Reply{{ID: "main.menu", Text: "Reply with a number:\n1 Housing"}}}
	if got := h.bot.render(short).Content; got != "Reply with a number:\n1 Housing" {
		t.Errorf("menu content %q", got)
	}
}
