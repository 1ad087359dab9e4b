package locales

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

// TestFoldIsJoinFieldsToLower: Fold, written in one pass, is
// strings.Join(strings.Fields(strings.ToLower(s)), " ") on random text of
// every kind: capitals (ASCII and not, İ, Σ), every kind of white space,
// invalid UTF-8, the scripts of the catalog.
func TestFoldIsJoinFieldsToLower(t *testing.T) {
	want := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	parts := []string{"a", "Z", "q", "É", "é", "İ", "Σ", "ς", "ǅ", "Ⅻ", "ﬃ", "ß", "ẞ", " ", "  ", "\t", "\n", "\r", "\v", "\f",
		"\u0085", "\u00a0", "\u1680", "\u2000", "\u2028", "\u3000", "\u200b", "\ufeff", "\xff", "\xe4\xb8", "\xc3", "\x80",
		"房东", "집주인", "አከራዩ", "Nhà", "ĐỒNG", "1", ".", "'", "\x00", "😀", "Ａ", "ｚ"}
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []string{"", " ", "a", " a", "a ", "a  b", "my landlord", "ok\n", "\xff", "A B"}
	for range 50000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		if got, w := Fold(s), want(s); got != w {
			t.Fatalf("Fold(%q) = %q, want %q", s, got, w)
		}
	}
}

func BenchmarkFold(b *testing.B) {
	s := "So I been living here 3 years and last winter the HEAT stopped working,  my kids are sick"
	b.ReportAllocs()
	for range b.N {
		_ = Fold(s)
	}
}

// TestCaselessBlocks: the blocks Fold keeps as they are have no case and
// no white space, for every code point in them.
func TestCaselessBlocks(t *testing.T) {
	for r := rune(0); r <= 0x10FFFF; r++ {
		if caseless(r) && (unicode.ToLower(r) != r || unicode.IsSpace(r)) {
			t.Fatalf("%U is taken as caseless but has a lower case or is a space", r)
		}
	}
}
