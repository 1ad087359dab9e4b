package locales

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestImportXLIFFToFiles folds a reviewed XLIFF file into catalog files:
// the new text and hash in the file, the review in the sidecar, and
// goi18n's format kept.
func TestImportXLIFFToFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("en.toml", "[\"a.menu\"]\ndescription = \"Menu.\"\nother = \"\"\"\n1 Home\n2 Work\"\"\"\n\n[\"a.hi\"]\nother = \"Hi {{.name}}\"\n")
	for _, l := range All[1:] {
		write(string(l)+".toml", "# header\n\"a.hi\" = \"Hi {{.name}}\"\n\n[\"a.menu\"]\nhash = \""+SourceHash("Menu.", "1 Home\n2 Work")+"\"\nother = \"\"\"\n1 Home\n2 Work\"\"\"\n")
	}
	units := []XLIFFUnit{
		{ID: "a.menu", Source: "1 Home\n2 Work", Target: "1 ቤት\n2 \"ሥራ\"", Review: ReviewReviewed},
		{ID: "a.hi", Source: "Hi {{.name}}", Target: "ሰላም {{.name}}", Review: ReviewDraft},
		{ID: "a.gone", Source: "x", Target: "y"},
		{ID: "a.hi2", Source: "old", Target: "z"},
	}
	var b bytes.Buffer
	if err := WriteXLIFF(&b, Amharic, units); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	written, skipped, err := ImportXLIFFToFiles(dir, bytes.NewReader(b.Bytes()), "Tigist", at)
	if err != nil || len(written) != 2 || len(skipped) != 2 {
		t.Fatalf("written %v, skipped %v, %v", written, skipped, err)
	}
	cat, _, err := LoadFS(os.DirFS(dir), true)
	if err != nil {
		t.Fatal(err)
	}
	menu, _ := cat.Lookup(Amharic, "a.menu")
	hi, _ := cat.Lookup(Amharic, "a.hi")
	if menu.Text != "1 ቤት\n2 \"ሥራ\"" || menu.Review != ReviewReviewed || menu.ReviewedBy != "Tigist" || !menu.ReviewedAt.Equal(at) {
		t.Errorf("a.menu = %+v", menu)
	}
	if hi.Text != "ሰላም {{.name}}" || hi.Review != ReviewDraft || hi.SourceHash != SourceHash("", "Hi {{.name}}") {
		t.Errorf("a.hi = %+v", hi)
	}
	for _, p := range Lint(cat) {
		if p.Lang == Amharic {
			t.Errorf("lint after import: %v", p)
		}
	}
	if es, _ := os.ReadFile(filepath.Join(dir, "es.toml")); !strings.HasPrefix(string(es), "# header\n") {
		t.Error("es.toml changed")
	}
	// A broken template refuses the file.
	units[1].Target = "ሰላም"
	b.Reset()
	_ = WriteXLIFF(&b, Amharic, units)
	if _, _, err := ImportXLIFFToFiles(dir, &b, "Tigist", at); err == nil || !strings.Contains(err.Error(), "nothing written") {
		t.Errorf("broken template: %v", err)
	}
}
