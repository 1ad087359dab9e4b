package locales

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The text kit: the one place inbound text is made safe and outbound text
// is cut to a channel's size. The runtime (bot) cleans and caps every
// inbound message with it before anything is stored; channels split and
// clip what they send with it, each with its own Counter.

// Counter measures a text the way a channel limits it.
type Counter func(string) int

// Runes counts characters (code points): Discord's 2000, the simulator,
// flow limits.
func Runes(s string) int { return utf8.RuneCountInString(s) }

// UTF16 counts UTF-16 code units, as Twilio counts an SMS body's 1600
// (an emoji outside the Basic Multilingual Plane is two).
func UTF16(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// Clean makes text safe to store (Postgres refuses NUL), to match and to
// echo in HTML or XML: invalid UTF-8 becomes U+FFFD, a tab becomes a
// space, carriage returns and every other control character (NUL, escape,
// bell) are dropped; line breaks are kept. Right-to-left marks and other
// format characters are text, not control, and stay.
func Clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case isControl(r):
			return -1
		}
		return r
	}, s)
}

func isControl(r rune) bool { return r != '\n' && unicode.IsControl(r) }

// Truncate returns the longest prefix of s that count measures at most n,
// never cutting inside a character.
func Truncate(s string, n int, count Counter) string {
	if count(s) <= n {
		return s
	}
	used := 0
	for i, r := range s {
		used += count(string(r))
		if used > n {
			return s[:i]
		}
	}
	return s
}

// Clip shortens s to at most n (as count measures), ending with "…" when
// it was cut: for labels and one-message texts that cannot be split.
func Clip(s string, n int, count Counter) string {
	if count(s) <= n {
		return s
	}
	return Truncate(s, n-count("…"), count) + "…"
}

// Split cuts s into parts of at most limit (as count measures), each
// ending at a blank line or line break if there is one in the part, else
// at the end of a sentence, else between words, and only as a last resort
// inside a word (never inside a character).
func Split(s string, limit int, count Counter) []string {
	s = strings.TrimSpace(s)
	var parts []string
	for count(s) > limit {
		cut := cutPoint(s, limit, count)
		if part := strings.TrimSpace(s[:cut]); part != "" {
			parts = append(parts, part)
		}
		s = strings.TrimSpace(s[cut:])
	}
	if s != "" {
		parts = append(parts, s)
	}
	return parts
}

// cutPoint returns the byte offset where the first part of s ends.
func cutPoint(s string, limit int, count Counter) int {
	head := Truncate(s, limit, count)
	max := len(head)
	// Don't make a tiny first part just to honour a boundary.
	floor := max / 3
	if i := strings.LastIndex(head, "\n\n"); i > floor {
		return i + 2
	}
	if i := strings.LastIndex(head, "\n"); i > floor {
		return i + 1
	}
	best := -1
	for _, end := range []string{". ", "! ", "? ", "。", "！", "？", "። ", "።"} {
		if i := strings.LastIndex(head, end); i > floor && i+len(end) > best {
			best = i + len(end)
		}
	}
	if best > 0 {
		return best
	}
	if i := strings.LastIndexFunc(head, unicode.IsSpace); i > floor {
		// After the space, whatever its width: an ideographic space
		// (U+3000) or a no-break space is more than one byte.
		_, size := utf8.DecodeRuneInString(head[i:])
		return i + size
	}
	if max == 0 { // limit smaller than one character
		_, size := utf8.DecodeRuneInString(s)
		return size
	}
	return max
}

// KeywordsWithEnglish returns the words of a keyword list in lang and
// then in English (people mix in English): everything a person may type
// for it. A language without the list, or an unknown one, gives only the
// English words.
func (c *Catalog) KeywordsWithEnglish(lang Lang, list string) []string {
	words := c.Keywords(lang, list)
	if lang != English {
		words = append(words, c.Keywords(English, list)...)
	}
	return words
}

// Keyword returns the first word of a keyword list in lang, else in
// English: the word a button stands for, written as the person would type
// it. "" if neither language has the list.
func (c *Catalog) Keyword(lang Lang, list string) string {
	if kws := c.KeywordsWithEnglish(lang, list); len(kws) > 0 {
		return kws[0]
	}
	return ""
}

// IsKeyword reports whether text, folded and without the punctuation
// around it ("Yes!", "¿sí?", "不知道。"), is a word of the keyword list in
// lang or in English.
func (c *Catalog) IsKeyword(lang Lang, list, text string) bool {
	text = strings.Trim(Fold(text), ".!?¡¿。！？ ")
	return slices.Contains(c.KeywordsWithEnglish(lang, list), text)
}
