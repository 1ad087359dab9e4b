package discord

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden Discord transcripts in testdata/ with what the bot answers now")

// A transcript records a member's interactions and the bot's answers as
// Discord receives them: "> " lines are what the member does, "< " lines
// the response type, then its content and controls, indented:
//
//	[custom id] label          a button
//	[custom id = value] label  a select menu option
//
// Report references are masked as REF-XXXX-XX, since each run draws new
// ones. Refresh with `go test ./bot/discord -run TestTranscripts -update`
// and read the diff.
type transcript struct {
	h *harness
	m member
	b strings.Builder
	// last is the last message the bot showed, whose controls the member
	// can use.
	last *discordgo.InteractionResponseData
}

var referenceMask = regexp.MustCompile(`\b[A-Z]{2,4}-[0-9A-Z]{4}-[0-9A-Z]{2}\b`)

func (tr *transcript) record(action string, payload map[string]any) discordgo.InteractionResponse {
	tr.h.t.Helper()
	fmt.Fprintf(&tr.b, "> %s\n", action)
	resp := response(tr.h.t, tr.h.do(payload))
	kind := map[discordgo.InteractionResponseType]string{
		discordgo.InteractionResponseChannelMessageWithSource: "message",
		discordgo.InteractionResponseUpdateMessage:            "update",
		discordgo.InteractionResponseModal:                    "modal",
	}[resp.Type]
	if kind == "" {
		tr.h.t.Fatalf("%s: unexpected response type %d", action, resp.Type)
	}
	d := resp.Data
	if d.Flags&discordgo.MessageFlagsEphemeral != 0 {
		kind += " (ephemeral)"
	}
	if resp.Type == discordgo.InteractionResponseChannelMessageWithSource && d.Flags&discordgo.MessageFlagsEphemeral == 0 {
		tr.h.t.Errorf("%s: a new message that is not ephemeral", action)
	}
	fmt.Fprintf(&tr.b, "< %s\n", kind)
	if resp.Type == discordgo.InteractionResponseModal {
		fmt.Fprintf(&tr.b, "  title %q, submits [%s]\n", d.Title, d.CustomID)
	}
	for _, line := range strings.Split(referenceMask.ReplaceAllString(d.Content, "REF-XXXX-XX"), "\n") {
		if d.Content != "" {
			fmt.Fprintf(&tr.b, "  %s\n", line)
		}
	}
	for _, c := range controls(d) {
		if c.Value != "" {
			fmt.Fprintf(&tr.b, "  [%s = %s] %s\n", c.ID, c.Value, c.Label)
		} else {
			fmt.Fprintf(&tr.b, "  [%s] %s\n", c.ID, c.Label)
		}
	}
	if resp.Type != discordgo.InteractionResponseModal {
		tr.last = d
	}
	return resp
}

func (tr *transcript) command(name string) { tr.record("/"+name, tr.m.command(tr.h, name)) }

// click uses the control of the last message whose custom id starts with
// prefix (and, for a select menu, whose value is value).
func (tr *transcript) click(prefix, value string) discordgo.InteractionResponse {
	tr.h.t.Helper()
	for _, c := range controls(tr.last) {
		if !strings.HasPrefix(c.ID, prefix) || (value != "" && c.Value != value) {
			continue
		}
		if c.Value != "" {
			return tr.record(fmt.Sprintf("select %s = %s (%s)", c.ID, c.Value, c.Label), tr.m.click(tr.h, c.ID, c.Value))
		}
		return tr.record(fmt.Sprintf("click %s (%s)", c.ID, c.Label), tr.m.click(tr.h, c.ID))
	}
	tr.h.t.Fatalf("no control %q (value %q) on the last message; have %v", prefix, value, controls(tr.last))
	return discordgo.InteractionResponse{}
}

// answerPrompt does what a member would at the last message's prompt:
// choose (key, or the first choice), say yes, or type text into the modal.
func (tr *transcript) answerPrompt(state string, keys map[string]string, texts map[string]string) {
	tr.h.t.Helper()
	cs := controls(tr.last)
	want := keys[state]
	for _, prefix := range []string{customID(kindChoice, state) + ":", customID(kindSelect, state)} {
		for _, c := range cs {
			if strings.HasPrefix(c.ID, prefix) && (want == "" || strings.HasSuffix(c.ID, ":"+want) || c.Value == want) {
				tr.click(c.ID, c.Value)
				return
			}
		}
	}
	for _, c := range cs {
		if c.ID == customID(kindModal, state) {
			modal := tr.click(c.ID, "")
			text := texts[state]
			if text == "" {
				text = texts["*"]
			}
			form := modal.Data.CustomID
			tr.record(fmt.Sprintf("submit %s %q", form, text), tr.m.submit(tr.h, form, text))
			if st, ok := tr.h.rt.Engine.State(state); ok && st.Collect != nil && st.Collect.Append {
				tr.click(customID(kindWord, state, "done"), "")
			}
			return
		}
	}
	tr.h.t.Fatalf("state %s: nothing to answer with in %v", state, cs)
}

// state returns the state the last message's controls belong to.
func (tr *transcript) state() string {
	for _, c := range controls(tr.last) {
		if _, st, _, ok := parseCustomID(c.ID); ok && c.ID != customID(kindWord, st, "menu") {
			return st
		}
	}
	return ""
}

func (tr *transcript) check(t *testing.T, name string) {
	t.Helper()
	file := filepath.Join("testdata", name+".txt")
	got := tr.b.String()
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("transcript %s differs (run with -update to accept, then read the diff):\n%s", file, lineDiff(string(want), got))
	}
}

// transcriptLangs are the Discord locales the transcripts run in.
var transcriptLangs = []struct{ name, locale string }{
	{"en", "en-US"}, {"es", "es-ES"}, {"zh-Hant", "zh-TW"}, {"vi", "vi"},
}

func TestTranscriptRights(t *testing.T) {
	for _, l := range transcriptLangs {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, storetest.SQLite)
			tr := &transcript{h: h, m: member{id: "710000000000000001", locale: l.locale, guild: "800000000000000001"}}
			tr.command(cmdRights)
			// Each topic menu, then back to the top.
			for _, key := range []string{"1", "2", "3"} {
				tr.click(customID(kindChoice, flows.StateMenu, key), "")
				if st := tr.state(); st != "" && st != flows.StateMenu {
					tr.answerPrompt(st, nil, nil)
				}
				if st := tr.state(); st != flows.StateMenu {
					tr.click(customID(kindWord, st, "menu"), "")
				}
			}
			tr.command(cmdLanguage)
			tr.click(customID(kindSelect, flows.StateLanguage), "2")
			tr.command(cmdHelp)
			tr.check(t, "rights."+l.name)
		})
	}
}

// lineDiff shows the lines that differ, with their line numbers.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 12; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}
