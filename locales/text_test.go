package locales

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestSplit: parts within the limit as Twilio counts, cut at line breaks,
// sentence ends or spaces, never inside a character, nothing lost.
func TestSplit(t *testing.T) {
	t.Parallel()
	sentences := strings.Repeat("Your landlord must give written notice before an eviction. ", 60)
	lines := strings.Repeat("1 Housing and repairs\n", 120)
	chinese := strings.Repeat("房东必须先给你书面通知。", 300)
	emoji := strings.Repeat("🏠", 2000)
	oneWord := strings.Repeat("x", 4000)
	cases := []struct {
		name, in string
		limit    int
		parts    int
		endWith  string
	}{
		{"short", "Hello.", 1600, 1, "."},
		{"exactly the limit", strings.Repeat("a", 1600), 1600, 1, "a"},
		{"sentences", sentences, 1600, 3, "."},
		{"lines", lines, 1600, 2, "repairs"},
		{"chinese", chinese, 1600, 3, "。"},
		{"emoji count double", emoji, 1600, 3, "🏠"},
		{"no boundary", oneWord, 1600, 3, "x"},
		{"tiny limit", "ab", 1, 2, ""},
	}
	for _, tc := range cases {
		parts := Split(tc.in, tc.limit, UTF16)
		if len(parts) != tc.parts {
			t.Errorf("%s: %d parts; want %d", tc.name, len(parts), tc.parts)
		}
		total := 0
		for i, p := range parts {
			if UTF16(p) > tc.limit {
				t.Errorf("%s: part %d is %d long", tc.name, i, UTF16(p))
			}
			if !utf8.ValidString(p) {
				t.Errorf("%s: part %d cut inside a character", tc.name, i)
			}
			if i < len(parts)-1 && tc.endWith != "" && !strings.HasSuffix(p, tc.endWith) {
				t.Errorf("%s: part %d ends %q", tc.name, i, p[max(0, len(p)-12):])
			}
			total += len(strings.Join(strings.Fields(p), ""))
		}
		if want := len(strings.Join(strings.Fields(tc.in), "")); total != want {
			t.Errorf("%s: parts hold %d bytes of text; want %d", tc.name, total, want)
		}
	}
}

func TestClean(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"he\x00llo\x1b[31m\r\nthere\x07": "hello[31m\nthere",
		"caf\xe9 \xff":                   "caf\uFFFD \uFFFD",
		"a\tb":                           "a b",
		"\u202bمرحبا\u202c":              "\u202bمرحبا\u202c",
		"🏠 ok":                           "🏠 ok",
		"\x00":                           "",
	}
	for in, want := range cases {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestTruncateAndClip(t *testing.T) {
	t.Parallel()
	if got := Truncate("🏠🏠🏠", 3, UTF16); got != "🏠" {
		t.Errorf("Truncate by UTF-16 = %q", got)
	}
	if got := Truncate("🏠🏠🏠", 2, Runes); got != "🏠🏠" {
		t.Errorf("Truncate by runes = %q", got)
	}
	if got := Clip("abcdef", 4, Runes); got != "abc…" {
		t.Errorf("Clip = %q", got)
	}
	if got := Clip("abc", 4, Runes); got != "abc" {
		t.Errorf("Clip short = %q", got)
	}
}

// A keyword list is matched in the person's language and in English, with
// case, spacing and closing punctuation ignored; a language without the
// list (or none at all) still has the English words.
func TestIsKeyword(t *testing.T) {
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang Lang
		text string
		want bool
	}{
		{Spanish, "Sí!", true},
		{Spanish, "  YES. ", true},
		{Spanish, "¿sí?", true},
		{English, "sí", false},
		{Korean, "yes", true},
		{"", "yes", true},
		{Lang("xx"), "yes", true},
		{English, "yesterday", false},
	} {
		if got := cat.IsKeyword(c.lang, "kw.yes", c.text); got != c.want {
			t.Errorf("IsKeyword(%s, kw.yes, %q) = %v, want %v", c.lang, c.text, got, c.want)
		}
	}
	if w := cat.KeywordsWithEnglish(Spanish, "kw.yes"); len(w) < 2 || w[0] == "yes" || w[len(w)-1] == "sí" {
		t.Errorf("KeywordsWithEnglish(es, kw.yes) = %q: want Spanish first, then English", w)
	}
	if got := cat.Keyword(Lang("xx"), "kw.yes"); got != "yes" {
		t.Errorf("Keyword(xx, kw.yes) = %q, want the English word", got)
	}
}
