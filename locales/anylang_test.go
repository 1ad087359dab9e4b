package locales

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// anyLangKeywordReference is AnyLangKeyword as it was written before the
// index: fold, trim, and look in every language's Keywords.
func anyLangKeywordReference(c *Catalog, id, text string) bool {
	f := strings.TrimRight(Fold(strings.TrimSpace(text)), ".!?。！？ ")
	if f == "" || len(f) > MaxAnyLangKeyword {
		return false
	}
	for _, l := range c.Langs() {
		if slices.Contains(c.Keywords(l, id), f) {
			return true
		}
	}
	return false
}

// foldSamples are texts with what Fold and the trimming treat specially.
var foldSamples = []string{
	"", " ", "yes", "YES", " Yes! ", "yes!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", "y e s", "no  sé",
	"NO\tSÉ?", "\u00a0sí\u0085", "是。", "是！ ", "ĐÚNG", "İstanbul", "\u212a", "ẞ", "\xff", "yes\xff", "\xffyes",
	"ለ  አዎ", "네 ?", " . ", "?", "delete", "DELETE.", "supprimer", "XÓA", "borrar mis datos",
	strings.Repeat("a", MaxAnyLangKeyword), strings.Repeat("a", MaxAnyLangKeyword+1), strings.Repeat("é", 25),
	"hello there, I want to delete my data please", "1", "MORE", "menu",
}

func TestFoldWithin(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	alphabet := []string{"a", "B", " ", "\t", "\u00a0", "é", "É", "是", "ለ", "\u212a", "İ", "\xff", "!", ".", "。", "Σ"}
	samples := slices.Clone(foldSamples)
	for range 2000 {
		var b strings.Builder
		for range r.Intn(30) {
			b.WriteString(alphabet[r.Intn(len(alphabet))])
		}
		samples = append(samples, b.String())
	}
	for _, s := range samples {
		want := Fold(s)
		for _, limit := range []int{0, 1, 3, 10, 40, 1000} {
			got, ok := foldWithin([]byte("x"), s, limit)
			if ok != (len(want) <= limit) {
				t.Fatalf("foldWithin(%q, %d) ok = %v, Fold is %q", s, limit, ok, want)
			}
			if ok && string(got) != "x"+want {
				t.Fatalf("foldWithin(%q, %d) = %q, Fold = %q", s, limit, got[1:], want)
			}
		}
	}
}

// TestAnyLangKeyword holds the index to the lookup it replaced on the
// real catalog: every word of every list in every language, as typed and
// with noise, and texts that are no word.
func TestAnyLangKeyword(t *testing.T) {
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var lists []string
	for _, id := range cat.IDs() {
		if IsKeywordList(id) {
			lists = append(lists, id)
		}
	}
	if len(lists) < 10 {
		t.Fatalf("only %d keyword lists", len(lists))
	}
	var texts []string
	texts = append(texts, foldSamples...)
	for _, id := range lists {
		for _, l := range cat.Langs() {
			for _, w := range cat.Keywords(l, id) {
				texts = append(texts, w, strings.ToUpper(w)+"!", "  "+w+" ?", w+"x", strings.ReplaceAll(w, " ", "   "))
			}
		}
	}
	matched := 0
	for _, id := range lists {
		for _, text := range texts {
			want := anyLangKeywordReference(cat, id, text)
			if got := cat.AnyLangKeyword(id, text); got != want {
				t.Fatalf("AnyLangKeyword(%s, %q) = %v, the reference says %v", id, text, got, want)
			}
			if want {
				matched++
			}
		}
	}
	if matched < len(lists) {
		t.Fatalf("only %d matches over %d lists: the test compares nothing", matched, len(lists))
	}
	if cat.AnyLangKeyword("kw.no.such.list", "yes") {
		t.Error("a missing list matched")
	}
}

// TestAnyLangKeywordEdits: an edit of a keyword list takes effect on the
// next message, and removing it takes the word away again.
func TestAnyLangKeywordEdits(t *testing.T) {
	cat := fixture(t, map[string]string{"kw.yes": "yes, y", "kw.no": "no"}, nil)
	hash := cat.messages[Source]["kw.yes"].Hash()
	if !cat.AnyLangKeyword("kw.yes", "Yes!") || cat.AnyLangKeyword("kw.yes", "አዎ") {
		t.Fatal("before the edit")
	}
	if n, skipped := cat.ApplyEdits([]Edit{{Lang: Amharic, ID: "kw.yes", Text: "አዎ, Ok Then", SourceHash: hash}}); n != 1 {
		t.Fatalf("edit not applied: %v", skipped)
	}
	if !cat.AnyLangKeyword("kw.yes", "አዎ") || !cat.AnyLangKeyword("kw.yes", "ok   THEN.") {
		t.Error("an edited keyword does not match")
	}
	if !cat.AnyLangKeyword("kw.yes", "yes") {
		t.Error("English lost by an Amharic edit")
	}
	if cat.AnyLangKeyword("kw.no", "አዎ") {
		t.Error("an edit leaked into another list")
	}
	cat.ApplyEdits(nil)
	if cat.AnyLangKeyword("kw.yes", "አዎ") {
		t.Error("a removed edit still matches")
	}
}

func BenchmarkAnyLangKeyword(b *testing.B) {
	cat, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	texts := []string{"hello", "1", "MORE", "Menu", "I was evicted yesterday and I need help please"}
	b.Run("index", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			cat.AnyLangKeyword("kw.privacy.erase", texts[i%len(texts)])
		}
	})
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			anyLangKeywordReference(cat, "kw.privacy.erase", texts[i%len(texts)])
		}
	})
}
