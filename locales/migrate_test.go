package locales

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMigrate takes a catalog in the format before the sidecar (review
// keys, hashes of the English text alone) to go-i18n's, keeps what each
// translation says and whether it is current, and is a no-op the second
// time.
func TestMigrate(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(name string) string {
		t.Helper()
		buf, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(buf)
	}
	write("en.toml", "[\"a.desc\"]\ndescription = \"Shown first.\"\nother = \"Hello\"\n\n[\"a.plain\"]\nother = \"Bye\"\n\n[\"a.old\"]\ndescription = \"An answer.\"\nother = \"Call 911 now.\"\n\n[\"a.multi\"]\ndescription = \"Two lines.\"\nother = \"\"\"\none\ntwo\"\"\"\n")
	for _, l := range All[1:] {
		review := "draft"
		if l == Amharic {
			review = "reviewed"
		}
		write(string(l)+".toml", "# "+string(l)+": drafts.\n# hash = SourceHash of the English text.\n\n"+
			"[\"a.desc\"]\nhash = \""+SourceHash("", "Hello")+"\"\nreview = \""+review+"\"\nother = \"Hola\"\n\n"+
			"[\"a.plain\"]\nhash = \""+SourceHash("", "Bye")+"\"\nreview = \"draft\"\nother = \"Adios\"\n\n"+
			"[\"a.old\"]\nhash = \""+SourceHash("", "Call 911.")+"\"\nreview = \"draft\"\nother = \"911\"\n\n"+
			"[\"a.multi\"]\nhash = \""+SourceHash("", "one\ntwo")+"\"\nreview = 'draft' # a comment\nother = \"\"\"\nreview = \"in the text\"\nuno\"\"\"\n")
	}
	changed, err := Migrate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) != 14 { // seven translations, seven new sidecars
		t.Errorf("changed %d files: %v", len(changed), changed)
	}
	es := read("es.toml")
	for _, want := range []string{
		"[\"a.desc\"]\nhash = \"" + SourceHash("Shown first.", "Hello") + "\"\nother = \"Hola\"\n",
		"[\"a.plain\"]\nhash = \"" + SourceHash("", "Bye") + "\"\nother = \"Adios\"\n",
		"[\"a.old\"]\nhash = \"" + SourceHash("", "Call 911.") + "\"\nother = \"911\"\n",
		"[\"a.multi\"]\nhash = \"" + SourceHash("Two lines.", "one\ntwo") + "\"\nother = \"\"\"\nreview = \"in the text\"\nuno\"\"\"\n",
		"# es: drafts.\n# hash = go-i18n's hash",
	} {
		if !strings.Contains(es, want) {
			t.Errorf("es.toml lacks %q:\n%s", want, es)
		}
	}
	cat, _, err := LoadFS(os.DirFS(dir), true)
	if err != nil {
		t.Fatal(err)
	}
	st := map[Lang]LangStatus{}
	for _, s := range Status(cat) {
		st[s.Lang] = s
	}
	if s := st[Spanish]; s.Complete != 3 || s.Stale != 1 || s.StaleIDs[0] != "a.old" || s.Draft != 4 {
		t.Errorf("es after migration: %+v", s)
	}
	if s := st[Amharic]; s.Reviewed != 1 || s.Draft != 3 {
		t.Errorf("am keeps its review: %+v", s)
	}
	if m, _ := cat.Lookup(Amharic, "a.desc"); m.Review != ReviewReviewed || !strings.Contains(read("review/am.toml"), "[\"a.desc\"]\nstatus = \"reviewed\"\ntext = \""+TextHash("Hola")+"\"\n") {
		t.Errorf("am review record:\n%s", read("review/am.toml"))
	}
	for _, p := range Lint(cat) {
		if p.Check == CheckReview {
			t.Errorf("left after migration: %s", p)
		}
	}
	before := map[string]string{}
	for _, name := range []string{"es.toml", "am.toml", "review/am.toml"} {
		before[name] = read(name)
	}
	again, err := Migrate(dir)
	if err != nil || len(again) != 0 {
		t.Errorf("a second migration changed %v (%v)", again, err)
	}
	for name, text := range before {
		if read(name) != text {
			t.Errorf("%s changed the second time", name)
		}
	}
	// An edit after a review makes the message a draft again.
	write("am.toml", strings.Replace(read("am.toml"), "\"Hola\"", "\"Selam\"", 1))
	cat, _, _ = LoadFS(os.DirFS(dir), true)
	if m, _ := cat.Lookup(Amharic, "a.desc"); m.Review != ReviewDraft || !m.ReviewOutdated {
		t.Errorf("an edited reviewed text: review %q outdated %v", m.Review, m.ReviewOutdated)
	}
}
