package discord

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/store/storetest"
)

// Discord's rule for command and option names (lower case where the
// script has case).
var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

func TestCommandsAreLocalizedAndValid(t *testing.T) {
	cat, err := testCatalog()
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := Commands(cat)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	checkName := func(where, s string) {
		if !commandName.MatchString(s) || s != lower(s) {
			t.Errorf("%s: name %q is not a valid Discord command name", where, s)
		}
	}
	checkDesc := func(where, s string) {
		if n := utf8.RuneCountInString(s); n < 1 || n > 100 {
			t.Errorf("%s: description of %d characters, want 1–100: %q", where, n, s)
		}
	}
	for _, c := range cmds {
		names[c.Name] = true
		checkName(c.Name, c.Name)
		checkDesc(c.Name, c.Description)
		for _, loc := range []discordgo.Locale{discordgo.SpanishES, discordgo.SpanishLATAM, discordgo.ChineseCN, discordgo.ChineseTW, discordgo.Vietnamese, discordgo.Korean, discordgo.French} {
			name, ok := (*c.NameLocalizations)[loc]
			if !ok {
				t.Errorf("%s: no name in %s", c.Name, loc)
			}
			checkName(c.Name+"/"+string(loc), name)
			checkDesc(c.Name+"/"+string(loc), (*c.DescriptionLocalizations)[loc])
		}
		for _, o := range c.Options {
			checkName(c.Name+"."+o.Name, o.Name)
			checkDesc(c.Name+"."+o.Name, o.Description)
			for loc, name := range o.NameLocalizations {
				checkName(c.Name+"."+o.Name+"/"+string(loc), name)
				checkDesc(c.Name+"."+o.Name+"/"+string(loc), o.DescriptionLocalizations[loc])
			}
			if len(o.Choices) > 25 {
				t.Errorf("%s.%s: %d choices, Discord allows 25", c.Name, o.Name, len(o.Choices))
			}
		}
	}
	for _, want := range []string{cmdRights, cmdReport, cmdLanguage, cmdStatus, cmdHelp, cmdSetup, cmdLink, cmdUnlink} {
		if !names[want] {
			t.Errorf("command /%s missing", want)
		}
	}
	if es := (*cmds[0].NameLocalizations)[discordgo.SpanishES]; es != "derechos" {
		t.Errorf("/rights in Spanish is %q", es)
	}
	for _, c := range cmds {
		if c.Name == cmdSetup && (c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != discordgo.PermissionManageGuild) {
			t.Error("/setup is not limited to Manage Server by default")
		}
	}
}

func lower(s string) string { return strings.ToLower(s) }

func TestRegisterPutsCommandsToDiscord(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	got, err := RegisterCommands(context.Background(), h.session, testAppID, "800000000000000009", h.cat)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 8 {
		t.Errorf("%d commands registered, want 8", len(got))
	}
	calls := h.discord.recorded()
	if len(calls) != 1 {
		t.Fatalf("calls %+v", calls)
	}
	want := "/api/v" + discordgo.APIVersion + "/applications/" + testAppID + "/guilds/800000000000000009/commands"
	if calls[0].Method != "PUT" || calls[0].Path != want || calls[0].Auth != "Bot "+testToken {
		t.Errorf("registered with %s %s (auth %q), want PUT %s with the bot token", calls[0].Method, calls[0].Path, calls[0].Auth, want)
	}
	first, _ := calls[0].List[0].(map[string]any)
	locs, _ := first["name_localizations"].(map[string]any)
	if locs["zh-TW"] != "權利" {
		t.Errorf("zh-TW name sent as %v", locs["zh-TW"])
	}
}
