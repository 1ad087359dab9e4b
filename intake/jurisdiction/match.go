package jurisdiction

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// FindZIP returns the first five-digit US ZIP code in text: a run of
// exactly five digits (ASCII or full-width), so ZIP+4 ("20001-1234") and a
// ZIP inside a sentence are found while phone numbers are not. "00000" is
// not a ZIP code.
func FindZIP(text string) (string, bool) {
	var run []byte
	for _, r := range text + " " {
		switch {
		case r >= '0' && r <= '9':
			run = append(run, byte(r))
			continue
		case r >= '０' && r <= '９':
			run = append(run, byte('0'+(r-'０')))
			continue
		}
		if len(run) == 5 && string(run) != "00000" {
			return string(run), true
		}
		run = run[:0]
	}
	return "", false
}

// foldName lower-cases text, turns punctuation other than apostrophes into
// spaces and collapses white space, so "Washington, D.C." and
// "washington d.c." compare equal.
func foldName(s string) string {
	s = strings.ToLower(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			return r
		case r == '\'' || r == 'ʻ' || r == '’':
			return '\''
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// findName returns where name occurs in s as whole words; names in scripts
// written without spaces match anywhere.
func findName(s, name string) (int, bool) {
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], name)
		if j < 0 {
			return 0, false
		}
		start, end := i+j, i+j+len(name)
		if edgeOK(s, start, name, true) && edgeOK(s, end, name, false) {
			return start, true
		}
		_, size := utf8.DecodeRuneInString(s[start:])
		i = start + size
	}
	return 0, false
}

func edgeOK(s string, i int, name string, before bool) bool {
	if before && i == 0 || !before && i >= len(s) {
		return true
	}
	var inName rune
	if before {
		inName, _ = utf8.DecodeRuneInString(name)
	} else {
		inName, _ = utf8.DecodeLastRuneInString(name)
	}
	if spaceless(inName) {
		return true
	}
	var r rune
	if before {
		r, _ = utf8.DecodeLastRuneInString(s[:i])
	} else {
		r, _ = utf8.DecodeRuneInString(s[i:])
	}
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

func spaceless(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Ethiopic, r)
}
