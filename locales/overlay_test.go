package locales

import (
	"strings"
	"sync"
	"testing"
)

func TestApplyEdits(t *testing.T) {
	cat := fixture(t, map[string]string{"a.hi": "Hello {{.name}}", "a.bye": "Bye", "kw.yes": "yes, y"}, nil)
	hash := func(id string) string { return cat.messages[Source][id].Hash() }
	n, skipped := cat.ApplyEdits([]Edit{
		{Lang: Amharic, ID: "a.hi", Text: "ሰላም {{.name}}", SourceHash: hash("a.hi")},
		{Lang: Amharic, ID: "kw.yes", Text: "አዎ, yes", SourceHash: hash("kw.yes")},
		{Lang: Amharic, ID: "a.bye", Text: "ደህና", SourceHash: SourceHash("", "Goodbye")}, // older English
		{Lang: Spanish, ID: "a.hi", Text: "Hola {{.nombre}}", SourceHash: hash("a.hi")},  // wrong variable
		{Lang: Spanish, ID: "a.nope", Text: "x", SourceHash: "h"},
		{Lang: Spanish, ID: "a.bye", Text: "  ", SourceHash: hash("a.bye")},
	})
	if n != 2 || len(skipped) != 4 {
		t.Fatalf("applied %d, skipped %v", n, skipped)
	}
	if got, err := cat.Text(Amharic, "a.hi", map[string]string{"name": "Ana"}); err != nil || got != "ሰላም Ana" {
		t.Errorf("edited text = %q, %v", got, err)
	}
	if _, err := cat.Text(Amharic, "a.hi", nil); err == nil {
		t.Error("a missing value in an edited message must be an error")
	}
	if got, _ := cat.Text(Amharic, "a.bye", nil); got != "Bye" {
		t.Errorf("an edit of older English must not apply: %q", got)
	}
	if kw := cat.Keywords(Amharic, "kw.yes"); strings.Join(kw, "|") != "አዎ|yes" {
		t.Errorf("edited keywords = %v", kw)
	}
	if m, _ := cat.Lookup(Amharic, "a.hi"); m.Text != "Hello {{.name}}" {
		t.Errorf("Lookup describes the files, got %q", m.Text)
	}
	// Swapping while rendering is safe (run with -race).
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				if _, err := cat.Text(Amharic, "a.hi", map[string]string{"name": "x"}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for j := 0; j < 50; j++ {
		cat.ApplyEdits(nil)
		cat.ApplyEdits([]Edit{{Lang: Amharic, ID: "a.hi", Text: "ሰላም {{.name}}", SourceHash: hash("a.hi")}})
	}
	wg.Wait()
	cat.ApplyEdits(nil)
	if got, _ := cat.Text(Amharic, "a.hi", map[string]string{"name": "Ana"}); got != "Hello Ana" {
		t.Errorf("after removing the edits: %q", got)
	}
}
