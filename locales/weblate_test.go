package locales

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// copyLocales copies the committed catalog files and review sidecars
// into a folder a test may change.
func copyLocales(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ReviewDir), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, pattern := range []string{"*.toml", ReviewDir + "/*.toml"} {
		names, _ := filepath.Glob(pattern)
		for _, name := range names {
			buf, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), buf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// TestWeblateMirror writes the JSON mirror Weblate works on, checks that
// go-i18n itself reads every file as its v2 JSON format (one message per
// ID, the English with its description), then folds changes "made in
// Weblate" back: a fixed translation lands in the TOML file with the
// current hash; one made against older English is stale and not applied;
// unchanged texts change nothing.
func TestWeblateMirror(t *testing.T) {
	dir, mirror := copyLocales(t), t.TempDir()
	written, err := WeblateExport(dir, mirror)
	domains, _ := filepath.Glob(filepath.Join(dir, "*."+string(Source)+".toml"))
	if err != nil || len(written) != (1+len(domains))*len(All) { // core and one per domain
		t.Fatalf("export: %d files for %d domains, %v", len(written), len(domains), err)
	}
	cat, _, err := LoadFS(os.DirFS(dir), true)
	if err != nil {
		t.Fatal(err)
	}
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	seen := 0
	for _, p := range written {
		buf, _ := os.ReadFile(p)
		mf, err := bundle.ParseMessageFileBytes(buf, filepath.Base(p))
		if err != nil {
			t.Fatalf("go-i18n cannot read %s: %v", p, err)
		}
		for _, m := range mf.Messages {
			want, ok := cat.messages[Lang(strings.TrimSuffix(filepath.Base(p), ".json"))][m.ID]
			if !ok || m.Other != want.Text {
				t.Errorf("%s: %s = %q, want %q", p, m.ID, m.Other, want.Text)
			}
			if filepath.Base(p) == "en.json" {
				seen++
				if m.Description != want.Description {
					t.Errorf("%s: %s lost its description", p, m.ID)
				}
			}
		}
	}
	if seen != len(cat.IDs()) {
		t.Errorf("the English mirror holds %d messages, the catalog %d", seen, len(cat.IDs()))
	}

	// Unchanged: nothing to import.
	if res, err := WeblateImport(dir, mirror, false); err != nil || len(res) != 0 {
		t.Fatalf("unchanged mirror: %v %v", res, err)
	}
	// Weblate commits: one fix in Amharic (Weblate drops keys it does not
	// know, so the file has texts only); one Korean text made while
	// Weblate still showed older English.
	edit := func(name string, change func(map[string]any)) {
		p := filepath.Join(mirror, name)
		buf, _ := os.ReadFile(p)
		var m map[string]any
		if err := json.Unmarshal(buf, &m); err != nil {
			t.Fatal(err)
		}
		change(m)
		buf, _ = json.MarshalIndent(m, "", "    ")
		if err := os.WriteFile(p, buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const fixed = "እገዛ፦ ምናሌ፣ ተመለስ። አደጋ፦ 911።"
	edit("core/am.json", func(m map[string]any) { m["common.help"] = fixed })
	edit("core/en.json", func(m map[string]any) {
		m["common.disclaimer"] = map[string]any{"description": "x", "other": "Older English"}
	})
	edit("core/ko.json", func(m map[string]any) { m["common.disclaimer"] = "옛 번역" })
	before, _ := os.ReadFile(filepath.Join(dir, "am.toml"))
	res, err := WeblateImport(dir, mirror, true)
	if err != nil || len(res[Amharic].Changed) != 1 || len(res[Korean].Stale) != 1 {
		t.Fatalf("dry run: %+v %v", res, err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "am.toml")); string(after) != string(before) {
		t.Fatal("the dry run wrote am.toml")
	}
	if _, err := WeblateImport(dir, mirror, false); err != nil {
		t.Fatal(err)
	}
	cat, _, err = LoadFS(os.DirFS(dir), true)
	if err != nil {
		t.Fatal(err)
	}
	en, _ := cat.Lookup(Source, "common.help")
	if m, _ := cat.Lookup(Amharic, "common.help"); m.Text != fixed || m.SourceHash != en.Hash() || m.Review != ReviewDraft {
		t.Errorf("imported: %+v", m)
	}
	if m, _ := cat.Lookup(Korean, "common.disclaimer"); m.Text == "옛 번역" {
		t.Error("a translation of older English was applied")
	}
	// A plural form is refused: Rightsline's messages have none.
	edit("core/am.json", func(m map[string]any) { m["common.help"] = map[string]any{"one": "a", "other": "b"} })
	if _, err := WeblateImport(dir, mirror, true); err == nil || !strings.Contains(err.Error(), `"one" form`) {
		t.Errorf("plural: %v", err)
	}
}
