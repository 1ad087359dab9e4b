package locales

import (
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// TestWidthFoldTable: the table MatchFold folds full-width and half-width
// forms with says what golang.org/x/text/width says.
func TestWidthFoldTable(t *testing.T) {
	for r := rune(0xFF01); r <= 0xFFEE; r++ {
		if got, want := widthFold(r), widthFoldSlow(r); got != want {
			t.Errorf("widthFold(%U) = %U, width.Fold %U", r, got, want)
		}
	}
	if got, want := widthFold(0x3000), widthFoldSlow(0x3000); got != want || want != ' ' {
		t.Errorf("widthFold(U+3000) = %U, width.Fold %U", got, want)
	}
}

// foldRuneReference is foldRune as it was written before its shortcuts
// (Hangul, CJK ideographs, the width table): the reference they must
// agree with.
func foldRuneReference(r rune) rune {
	if r < utf8.RuneSelf {
		return foldRune(r)
	}
	if r == '’' || r == 'ʼ' {
		return 0
	}
	if r >= 0xFF01 && r <= 0xFFEE || r == 0x3000 {
		if w := width.Fold.String(string(r)); w != "" {
			r, _ = utf8.DecodeRuneInString(w)
			if r < utf8.RuneSelf {
				return foldRune(r)
			}
		}
	}
	switch {
	case r >= 0x00C0 && r <= 0x024F || r >= 0x1E00 && r <= 0x1EFF:
		if f, ok := latinFold[r]; ok {
			return f
		}
		return unicode.ToLower(r)
	case r >= 0x1200 && r <= 0x137F:
		return ethiopicFold(r)
	case unicode.Is(unicode.Han, r):
		if f, ok := tradToSimp[r]; ok {
			return f
		}
		return r
	case unicode.IsLetter(r), unicode.IsDigit(r), unicode.Is(unicode.Mn, r):
		return unicode.ToLower(r)
	}
	return ' '
}

// TestFoldRuneShortcuts: foldRune agrees with its reference on every code
// point.
func TestFoldRuneShortcuts(t *testing.T) {
	for r := rune(0); r <= 0x10FFFF; r++ {
		if got, want := foldRune(r), foldRuneReference(r); got != want {
			t.Fatalf("foldRune(%U) = %U, the reference %U", r, got, want)
		}
	}
}

// TestMatchFoldEthiopic: the letters Amharic writes alike fold to one,
// the vowel orders of ሀ and አ it pronounces alike included.
func TestMatchFoldEthiopic(t *testing.T) {
	for _, c := range []struct{ a, b string }{
		{"ሀይማኖት", "ሃይማኖት"}, {"ሐይማኖት", "ሃይማኖት"}, {"ኀይል", "ሀይል"}, {"ዐመት", "ዓመት"},
		{"አመት", "ኣመት"}, {"ሠራ", "ሰራ"}, {"ፀሎት", "ጸሎት"}, {"ሥራ", "ስራ"},
	} {
		if a, b := MatchFold(c.a), MatchFold(c.b); a != b {
			t.Errorf("MatchFold(%q) = %q, MatchFold(%q) = %q: want the same", c.a, a, c.b, b)
		}
	}
	// The orders Amharic does tell apart stay apart.
	for _, c := range []struct{ a, b string }{{"ሁ", "ሀ"}, {"ኡ", "አ"}, {"ሰ", "ሳ"}} {
		if MatchFold(c.a) == MatchFold(c.b) {
			t.Errorf("MatchFold(%q) = MatchFold(%q); want them apart", c.a, c.b)
		}
	}
}

// TestMatchFoldElided: an apostrophe after an elided word separates two
// words; after any other word it joins them, as in MatchFold.
func TestMatchFoldElided(t *testing.T) {
	elided := map[string]bool{"l": true, "j": true, "qu": true, "d": true}
	for in, want := range map[string]string{
		"L'hôtel m'a refusé":      "l hotel ma refuse",
		"j’ai pas d'eau":          "j ai pas d eau",
		"qu'il parte":             "qu il parte",
		"don't":                   "dont",
		"aujourd'hui":             "aujourdhui",
		"'l'":                     "l",
		"  l'  appartement ":      "l appartement",
		"PARCE QU'IL M'A VIRÉ !!": "parce qu il ma vire",
	} {
		if got := MatchFoldElided(in, elided); got != want {
			t.Errorf("MatchFoldElided(%q) = %q, want %q", in, got, want)
		}
		if got, plain := MatchFoldElided(in, nil), MatchFold(in); got != plain {
			t.Errorf("MatchFoldElided(%q, nil) = %q, MatchFold %q", in, got, plain)
		}
	}
}
