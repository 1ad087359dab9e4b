// Package bottest holds what the channels' tests share: the table of odd
// inputs every channel must answer and store, and a check that a reply is
// in the person's language. It is imported by tests only.
package bottest

import (
	"regexp"
	"strings"

	"github.com/rightsline/rightsline/locales"
)

// OddInput is one odd message a person may send, and what the runtime
// stores of it (cleaned: no NUL or control characters, invalid UTF-8
// replaced), before a channel's own length cap.
type OddInput struct {
	Name, Text, Stored string
}

// OddInputs is the table every channel runs on both backends.
var OddInputs = []OddInput{
	{"NUL", "hel\x00lo", "hello"},
	{"control characters", "a\x1b[31mb\x07\rc", "a[31mbc"},
	{"invalid UTF-8", "caf\xe9 \xff", "caf\uFFFD \uFFFD"},
	{"2100 characters", strings.Repeat("My landlord changed the locks. ", 70), strings.Repeat("My landlord changed the locks. ", 70)},
	{"emoji", "🏠🔑😢 help me 👍🏽", "🏠🔑😢 help me 👍🏽"},
	{"right to left", "\u202bمرحبا، أحتاج مساعدة\u202c", "\u202bمرحبا، أحتاج مساعدة\u202c"},
	{"empty", "", ""},
	{"whitespace only", "  \t  ", "     "},
}

// InLanguage reports whether text is made of whole messages of lang's
// catalog (a template's values may be anything), joined as channels join
// replies (a blank line between them), at least one of them different
// from its English text: a reply the person can read, not an English
// fallback or an error.
func InLanguage(cat *locales.Catalog, lang locales.Lang, text string) bool {
	var ms []message
	for _, id := range cat.IDs() {
		if locales.IsKeywordList(id) {
			continue
		}
		m, ok := cat.Lookup(lang, id)
		en, _ := cat.Lookup(locales.English, id)
		if !ok || m.Text == "" {
			continue
		}
		own := en == nil || en.Text != m.Text
		if !strings.Contains(m.Text, "{{") {
			ms = append(ms, message{text: m.Text, own: own})
			continue
		}
		var pat strings.Builder
		pat.WriteString(`^(?s:`)
		rest := m.Text
		for {
			i := strings.Index(rest, "{{")
			j := strings.Index(rest, "}}")
			if i < 0 || j < i {
				break
			}
			pat.WriteString(regexp.QuoteMeta(rest[:i]) + `.+?`)
			rest = rest[j+2:]
		}
		pat.WriteString(regexp.QuoteMeta(rest) + `)(\n\n|$)`)
		ms = append(ms, message{re: regexp.MustCompile(pat.String()), own: own})
	}
	return speaks(ms, strings.TrimSpace(text), false)
}

type message struct {
	text string
	re   *regexp.Regexp
	own  bool // differs from the English
}

func speaks(ms []message, text string, own bool) bool {
	if text == "" {
		return own
	}
	for _, m := range ms {
		n := 0
		if m.re != nil {
			loc := m.re.FindStringIndex(text)
			if loc == nil {
				continue
			}
			n = loc[1]
		} else {
			rest, ok := strings.CutPrefix(text, m.text)
			if !ok || (rest != "" && !strings.HasPrefix(rest, "\n\n")) {
				continue
			}
			n = len(text) - len(strings.TrimPrefix(rest, "\n\n"))
		}
		if speaks(ms, text[n:], own || m.own) {
			return true
		}
	}
	return false
}
