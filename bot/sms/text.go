package sms

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxMessage is the longest body Twilio sends as one message, in
// characters (UTF-16 code units, as Twilio counts them).
const MaxMessage = 1600

// cleanText makes inbound text safe to store and to echo in XML: invalid
// UTF-8 becomes U+FFFD, and control characters other than newline and tab
// are dropped (NUL, which Postgres refuses in text; escape sequences;
// carriage returns). Right-to-left marks and other format characters are
// kept: they are text, not control.
func cleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if !strings.ContainsFunc(s, isDroppedControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isDroppedControl(r) {
			return -1
		}
		return r
	}, s)
}

func isDroppedControl(r rune) bool {
	if r == '\n' || r == '\t' {
		return false
	}
	if r == '\r' {
		return true // a CR LF becomes LF; a lone CR is dropped
	}
	return unicode.IsControl(r)
}

// textLen is the length of s as Twilio counts it.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// splitMessage cuts s into parts of at most limit characters, each ending
// at a line break if there is one in the part, else at the end of a
// sentence, else between words, and only as a last resort inside a word
// (never inside a character).
func splitMessage(s string, limit int) []string {
	s = strings.TrimSpace(s)
	var parts []string
	for textLen(s) > limit {
		cut := cutPoint(s, limit)
		part := strings.TrimSpace(s[:cut])
		if part != "" {
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
func cutPoint(s string, limit int) int {
	// max is the byte offset of the longest prefix within limit.
	max, n := 0, 0
	for i, r := range s {
		n += utf16.RuneLen(r)
		if n > limit {
			break
		}
		max = i + utf8.RuneLen(r)
	}
	head := s[:max]
	// Don't make a tiny first part just to honour a boundary.
	floor := max / 3
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
		return i + 1
	}
	if max == 0 { // limit smaller than one character
		_, size := utf8.DecodeRuneInString(s)
		return size
	}
	return max
}
