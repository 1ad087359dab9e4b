package discord

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// Fuzz targets for Discord's payloads and our custom ids. The seed corpora
// run in every `go test`; explore with, e.g.,
//
//	go test ./bot/discord -run '^$' -fuzz FuzzInteraction -fuzztime 1m

// FuzzCustomID: what customID makes, parseCustomID reads back; anything
// else it either refuses or splits into parts that rebuild the id.
func FuzzCustomID(f *testing.F) {
	for _, s := range []string{"rl:c:menu:2", "rl:w:intake.ask:menu", "rl:m:x", "rl:f:st:a:b:c", "rl:", "rl", "", "xx:c:s", "rl::", "rl:c:😀:é"} {
		f.Add(s, "c", "menu", "2")
	}
	f.Fuzz(func(t *testing.T, id, kind, state, arg string) {
		if k, s, a, ok := parseCustomID(id); ok {
			rebuilt := customID(k, s)
			if a != "" || strings.Count(id, ":") >= 3 {
				rebuilt = customID(k, s, a)
			}
			if rebuilt != id {
				t.Fatalf("parseCustomID(%q) = %q %q %q, which rebuilds %q", id, k, s, a, rebuilt)
			}
		}
		if strings.Contains(kind, ":") || strings.Contains(state, ":") {
			return
		}
		k, s, a, ok := parseCustomID(customID(kind, state, arg))
		if !ok || k != kind || s != state || a != arg {
			t.Fatalf("customID(%q, %q, %q) reads back as %q %q %q %v", kind, state, arg, k, s, a, ok)
		}
	})
}

// FuzzInteraction signs any body as Discord would and posts it: the bot
// answers a clear 4xx or a 200 with a JSON interaction response, never a
// 5xx, and an unsigned copy is refused with 401.
func FuzzInteraction(f *testing.F) {
	h := newHarness(f, "sqlite")
	dm := member{id: "200000000000000001", locale: "es-ES"}
	guild := member{id: "200000000000000002", locale: "vi", guild: "300000000000000001", perms: 1 << 3}
	for _, p := range []map[string]any{
		dm.command(h, "rights"), dm.command(h, "report"), guild.command(h, "setup"), dm.command(h, "status"),
		dm.click(h, customID(kindChoice, "main", "1")), dm.click(h, customID(kindSelect, "main"), "2"),
		dm.click(h, customID(kindWord, "main", "menu")), dm.click(h, "rl:zz:??"), dm.click(h, "not-ours"),
		dm.submit(h, customID(kindModal, "intake.what"), "my landlord changed the locks"),
		dm.submit(h, customID(kindForm, "intake.what"), strings.Repeat("長", 3000)),
		{"id": "1", "type": 1}, {"id": "1", "type": 2}, {"id": "", "type": 2}, {"id": "1", "type": 99, "user": map[string]any{"id": "5"}},
	} {
		b, err := json.Marshal(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"id":"1","type":3,"user":{"id":"7"},"data":{"custom_id":"rl:c:main","component_type":2}}`))
	f.Add([]byte(`{"id":"1","type":5,"user":{"id":"7"},"data":{"custom_id":"rl:m:main","components":[{"type":1,"components":[]}]}}`))
	f.Add([]byte(`{"id":"1","type":2,"member":{"user":null},"data":{"name":"report","options":[{"name":"x","type":3,"value":{}}]}}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, body []byte) {
		h.t = t // iterations run one at a time in a process
		w := h.serve(h.sign(body, h.now, h.priv))
		switch {
		case w.Code >= 500:
			t.Fatalf("answered %d to %q: %s", w.Code, body, w.Body)
		case w.Code == http.StatusOK:
			var resp struct {
				Type discordgo.InteractionResponseType `json:"type"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || resp.Type == 0 {
				t.Fatalf("answered 200 to %q with %q", body, w.Body)
			}
		case w.Code < 400:
			t.Fatalf("answered %d to %q", w.Code, body)
		}
		r := h.sign(body, h.now, h.priv)
		r.Header.Set("X-Signature-Ed25519", strings.Repeat("00", 64))
		if w := h.serve(r); w.Code != http.StatusUnauthorized {
			t.Fatalf("an unsigned copy of %q answered %d", body, w.Code)
		}
	})
}
