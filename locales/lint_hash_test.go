package locales

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSetMessageFields(t *testing.T) {
	in := "# comment kept\n\n[\"a.x\"]\nhash = \"sha1-old\"\nreview = \"draft\"\nother = \"X\"\n\n[\"a.y\"]\nother = \"Y\"\n"
	out, err := SetMessageFields([]byte(in), "a.x", "sha1-new", ReviewReviewed)
	if err != nil {
		t.Fatal(err)
	}
	want := "# comment kept\n\n[\"a.x\"]\nhash = \"sha1-new\"\nreview = \"reviewed\"\nother = \"X\"\n\n[\"a.y\"]\nother = \"Y\"\n"
	if string(out) != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	out, err = SetMessageFields(out, "a.y", "sha1-y", "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(out), "[\"a.y\"]\nhash = \"sha1-y\"\nother = \"Y\"\n") {
		t.Fatalf("a missing hash line is added under the header:\n%s", out)
	}
	if _, err := SetMessageFields(out, "a.z", "h", ""); err == nil {
		t.Fatal("an unknown ID must be an error")
	}
}

// TestRefreshHashesClearsStale edits a copy of a catalog on disk the way
// a maintainer would after checking a stale translation.
func TestRefreshHashesClearsStale(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("en.toml", "[\"a.x\"]\nother = \"Call 911 now.\"\n")
	for _, l := range All[1:] {
		write(string(l)+".toml", "[\"a.x\"]\nhash = \""+SourceHash("Call 911.")+"\"\nreview = \"draft\"\nother = \"911\"\n")
	}
	cat, _, err := LoadFS(os.DirFS(dir), true)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(only(Lint(cat), CheckStale)); n != 7 {
		t.Fatalf("want 7 stale, got %d", n)
	}
	changed, err := RefreshHashes(dir, Spanish, []string{"a.x"}, ReviewReviewed)
	if err != nil || len(changed) != 1 || filepath.Base(changed[0]) != "es.toml" {
		t.Fatalf("changed %v, %v", changed, err)
	}
	cat, _, err = LoadFS(os.DirFS(dir), true)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range only(Lint(cat), CheckStale) {
		if p.Lang == Spanish {
			t.Errorf("es is still stale: %s", p)
		}
	}
	if m, _ := cat.Lookup(Spanish, "a.x"); m.Review != ReviewReviewed {
		t.Errorf("review = %q", m.Review)
	}
	if _, err := RefreshHashes(dir, English, []string{"a.x"}, ""); err == nil {
		t.Error("English has no hash to refresh")
	}
	if _, err := RefreshHashes(dir, Spanish, []string{"a.nope"}, ""); err == nil {
		t.Error("an unknown ID must be an error")
	}
}

func TestSetMessageFieldsPromotesTheShortForm(t *testing.T) {
	in := "# comment\n\"a.x\" = \"X\"\na_y = \"\"\"\nline one\nline two\"\"\"\n'a.z' = 'Z'  # note\n\n[\"a.t\"]\nother = \"T\"\n"
	out := []byte(in)
	for _, set := range [][3]string{{"a_y", "sha1-y", ReviewDraft}, {"a.x", "sha1-x", ""}, {"a.z", "sha1-z", ""}} {
		var err error
		if out, err = SetMessageFields(out, set[0], set[1], set[2]); err != nil {
			t.Fatalf("%s: %v", set[0], err)
		}
	}
	msgs, err := readMeta(out, Spanish)
	if err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	want := map[string][2]string{
		"a.x": {"X", "sha1-x"}, "a_y": {"line one\nline two", "sha1-y"}, "a.z": {"Z", "sha1-z"}, "a.t": {"T", ""},
	}
	for id, w := range want {
		m := msgs[id]
		if m == nil || m.Text != w[0] || m.SourceHash != w[1] {
			t.Errorf("%s: got %+v, want text %q hash %q\n%s", id, m, w[0], w[1], out)
		}
	}
	if msgs["a_y"].Review != ReviewDraft || !strings.HasPrefix(string(out), "# comment\n") {
		t.Errorf("got:\n%s", out)
	}
	if _, err := SetMessageFields(out, "a.none", "h", ""); err == nil {
		t.Error("an unknown ID must be an error")
	}
}
