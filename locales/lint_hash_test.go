package locales

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSetMessageFields(t *testing.T) {
	in := "# comment kept\n\n[\"a.x\"]\nhash = \"sha1-old\"\nother = \"X\"\n\n[\"a.y\"]\nother = \"Y\"\n"
	out, err := SetMessageFields([]byte(in), "a.x", "sha1-new")
	if err != nil {
		t.Fatal(err)
	}
	want := "# comment kept\n\n[\"a.x\"]\nhash = \"sha1-new\"\nother = \"X\"\n\n[\"a.y\"]\nother = \"Y\"\n"
	if string(out) != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	out, err = SetMessageFields(out, "a.y", "sha1-y")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(out), "[\"a.y\"]\nhash = \"sha1-y\"\nother = \"Y\"\n") {
		t.Fatalf("a missing hash line is added under the header:\n%s", out)
	}
	if _, err := SetMessageFields(out, "a.z", "h"); err == nil {
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
	write("en.toml", "[\"a.x\"]\ndescription = \"Emergency.\"\nother = \"Call 911 now.\"\n")
	for _, l := range All[1:] {
		write(string(l)+".toml", "[\"a.x\"]\nhash = \""+SourceHash("Emergency.", "Call 911.")+"\"\nother = \"911\"\n")
	}
	cat, _, err := LoadFS(os.DirFS(dir), true)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(only(Lint(cat), CheckStale)); n != 7 {
		t.Fatalf("want 7 stale, got %d", n)
	}
	at := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)
	changed, err := RefreshHashes(dir, Spanish, []string{"a.x"}, ReviewReviewed, "Ana R.", at)
	if err != nil || len(changed) != 2 || filepath.Base(changed[0]) != "es.toml" || filepath.ToSlash(changed[1]) != filepath.ToSlash(filepath.Join(dir, "review", "es.toml")) {
		t.Fatalf("changed %v, %v", changed, err)
	}
	if buf, _ := os.ReadFile(filepath.Join(dir, "es.toml")); strings.Contains(string(buf), "review") || !strings.Contains(string(buf), SourceHash("Emergency.", "Call 911 now.")) {
		t.Errorf("es.toml holds no review key and go-i18n's hash:\n%s", buf)
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
	if m, _ := cat.Lookup(Spanish, "a.x"); m.Review != ReviewReviewed || m.ReviewedBy != "Ana R." || !m.ReviewedAt.Equal(at) {
		t.Errorf("review = %q by %q at %v", m.Review, m.ReviewedBy, m.ReviewedAt)
	}
	if m, _ := cat.Lookup(French, "a.x"); m.Review != ReviewDraft {
		t.Errorf("fr review = %q", m.Review)
	}
	if _, err := RefreshHashes(dir, Spanish, []string{"a.x"}, ReviewDraft, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if cat, _, _ = LoadFS(os.DirFS(dir), true); cat.messages[Spanish]["a.x"].Review != ReviewDraft {
		t.Error("--review draft takes the review back")
	}
	if _, err := RefreshHashes(dir, English, []string{"a.x"}, "", "", time.Time{}); err == nil {
		t.Error("English has no hash to refresh")
	}
	if _, err := RefreshHashes(dir, Spanish, []string{"a.nope"}, "", "", time.Time{}); err == nil {
		t.Error("an unknown ID must be an error")
	}
}

func TestSetMessageFieldsPromotesTheShortForm(t *testing.T) {
	in := "# comment\n\"a.x\" = \"X\"\na_y = \"\"\"\nline one\nline two\"\"\"\n'a.z' = 'Z'  # note\n\n[\"a.t\"]\nother = \"T\"\n"
	out := []byte(in)
	for _, set := range [][2]string{{"a_y", "sha1-y"}, {"a.x", "sha1-x"}, {"a.z", "sha1-z"}} {
		var err error
		if out, err = SetMessageFields(out, set[0], set[1]); err != nil {
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
	if msgs["a_y"].InlineReview || !strings.HasPrefix(string(out), "# comment\n") {
		t.Errorf("got:\n%s", out)
	}
	if _, err := SetMessageFields(out, "a.none", "h"); err == nil {
		t.Error("an unknown ID must be an error")
	}
}
