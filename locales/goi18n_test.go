package locales

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// goi18nBinary builds the real goi18n command from the go-i18n module in
// go.mod (a tool directive), once per test run.
var goi18nBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "goi18n")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "goi18n")
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		goCmd = "go"
	}
	cmd := exec.Command(goCmd, "build", "-o", bin, "github.com/nicksnyder/go-i18n/v2/goi18n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", &buildError{err, out}
	}
	return bin, nil
})

type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return e.err.Error() + ": " + string(e.out) }

// goi18nMerge copies files (name → content) into a fresh folder and runs
// `goi18n merge` on them there, as a translator or Weblate would; it
// returns the output folder, the combined output and the error.
func goi18nMerge(t *testing.T, files map[string][]byte) (string, string, error) {
	t.Helper()
	bin, err := goi18nBinary()
	if err != nil {
		t.Fatalf("building goi18n: %v", err)
	}
	in, out := t.TempDir(), t.TempDir()
	var args []string
	for name, buf := range files {
		if err := os.WriteFile(filepath.Join(in, name), buf, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, name)
	}
	slices.Sort(args)
	cmd := exec.Command(bin, append([]string{"merge", "-sourceLanguage", "en", "-outdir", out}, args...)...)
	cmd.Dir = in
	combined, err := cmd.CombinedOutput()
	for name, buf := range files {
		now, rerr := os.ReadFile(filepath.Join(in, name))
		if rerr != nil || !bytes.Equal(now, buf) {
			t.Errorf("goi18n merge changed its input %s", name)
		}
	}
	return out, string(combined), err
}

// TestGoi18nMergeReadsTheCatalog runs the standard goi18n tool's merge on
// the committed catalog files: it must accept them as they are, keep every
// current translation active with the same text and hash (so its hash and
// ours agree, descriptions included), and ask for translation of exactly
// what lint calls stale or missing.
func TestGoi18nMergeReadsTheCatalog(t *testing.T) {
	if testing.Short() {
		t.Skip("builds goi18n")
	}
	names, err := filepath.Glob("*.toml")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, name := range names {
		if name == LanguagesFile {
			continue // data, not messages: goi18n is not given it
		}
		buf, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = buf
	}
	out, combined, err := goi18nMerge(t, files)
	if err != nil {
		t.Fatalf("goi18n merge failed: %v\n%s", err, combined)
	}
	ours, err := LoadForLint()
	if err != nil {
		t.Fatal(err)
	}
	merged, _, err := LoadFS(os.DirFS(out), true)
	if err != nil {
		t.Fatalf("goi18n's output does not load: %v", err)
	}
	status := map[Lang]LangStatus{}
	for _, s := range Status(ours) {
		status[s.Lang] = s
	}
	for _, l := range All {
		want := 0
		for _, id := range ours.IDs() {
			m, ok := ours.messages[l][id]
			if !ok || slices.Contains(status[l].StaleIDs, id) || slices.Contains(status[l].UnhashedIDs, id) {
				continue
			}
			want++
			got, ok := merged.messages[l][id]
			switch {
			case !ok:
				t.Errorf("%s %s: goi18n merge dropped the translation (its hash disagrees with ours?)", l, id)
			case got.Text != m.Text:
				t.Errorf("%s %s: goi18n merge changed the text:\n got %q\nwant %q", l, id, got.Text, m.Text)
			case l != Source && got.SourceHash != m.SourceHash:
				t.Errorf("%s %s: goi18n merge wrote hash %s, we have %s", l, id, got.SourceHash, m.SourceHash)
			case got.Description != ours.messages[Source][id].Description:
				t.Errorf("%s %s: description changed", l, id)
			}
		}
		if n := len(merged.messages[l]); n != want {
			t.Errorf("%s: goi18n merge made %d messages active, want %d", l, n, want)
		}
		if l == Source {
			continue
		}
		todo := append(append(append([]string{}, status[l].StaleIDs...), status[l].UnhashedIDs...), status[l].MissingIDs...)
		slices.Sort(todo)
		var asked []string
		if buf, err := os.ReadFile(filepath.Join(out, "translate."+string(l)+".toml")); err == nil {
			msgs, err := readMeta(buf, l)
			if err != nil {
				t.Fatal(err)
			}
			for id := range msgs {
				asked = append(asked, id)
			}
		}
		slices.Sort(asked)
		if !slices.Equal(asked, todo) {
			t.Errorf("%s: goi18n asks to translate %v; lint and status say %v", l, asked, todo)
		}
	}
}

// The check above can fail: goi18n refuses the format before the sidecar
// (a review key) and discards a translation whose hash is of the English
// text alone when the message has a description.
func TestGoi18nMergeRefusesTheOldFormat(t *testing.T) {
	if testing.Short() {
		t.Skip("builds goi18n")
	}
	en := []byte("[\"a.x\"]\ndescription = \"A greeting.\"\nother = \"Hello\"\n")
	_, combined, err := goi18nMerge(t, map[string][]byte{
		"en.toml": en,
		"es.toml": []byte("[\"a.x\"]\nhash = \"" + SourceHash("A greeting.", "Hello") + "\"\nreview = \"draft\"\nother = \"Hola\"\n"),
	})
	if err == nil || !strings.Contains(combined, "review") {
		t.Errorf("goi18n merge accepted a review key: %v %s", err, combined)
	}
	out, combined, err := goi18nMerge(t, map[string][]byte{
		"en.toml": en,
		"es.toml": []byte("[\"a.x\"]\nhash = \"" + SourceHash("", "Hello") + "\"\nother = \"Hola\"\n"),
	})
	if err != nil {
		t.Fatalf("%v: %s", err, combined)
	}
	if _, err := os.Stat(filepath.Join(out, "translate.es.toml")); err != nil {
		t.Errorf("goi18n kept a translation whose hash leaves out the description: %v", err)
	}
}
