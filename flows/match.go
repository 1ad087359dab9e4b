package flows

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rightsline/rightsline/locales"
)

// matchIndex holds every keyword list the engine matches, built once.
type matchIndex struct {
	// global maps a folded global word in any language to its list ID.
	global map[string]string
	// choices maps state → language → keyword → choice index.
	choices map[string]map[locales.Lang]map[string]int
	// topics lists free-text keywords per language, longest first.
	topics map[locales.Lang][]topicKeyword
	// greetings holds words that only say hello, in any language.
	greetings map[string]bool
}

type topicKeyword struct {
	word  string
	state string
}

func buildIndex(cat *locales.Catalog, c *compiled) *matchIndex {
	ix := &matchIndex{
		global:    map[string]string{},
		choices:   map[string]map[locales.Lang]map[string]int{},
		topics:    map[locales.Lang][]topicKeyword{},
		greetings: map[string]bool{},
	}
	for _, l := range locales.All {
		for _, list := range GlobalKeywordLists {
			for _, w := range cat.Keywords(l, list) {
				if _, taken := ix.global[w]; !taken {
					ix.global[w] = list
				}
			}
		}
		for _, w := range cat.Keywords(l, "kw.greeting") {
			ix.greetings[w] = true
		}
	}
	for _, name := range c.names {
		st := c.states[name]
		if len(st.Choices) > 0 {
			byLang := map[locales.Lang]map[string]int{}
			for _, l := range locales.All {
				m := map[string]int{}
				for i, ch := range st.Choices {
					if ch.Keywords == "" {
						continue
					}
					for _, w := range cat.Keywords(l, ch.Keywords) {
						if _, taken := m[w]; !taken {
							m[w] = i
						}
					}
					// English keywords work in every language.
					for _, w := range cat.Keywords(locales.English, ch.Keywords) {
						if _, taken := m[w]; !taken {
							m[w] = i
						}
					}
				}
				byLang[l] = m
			}
			ix.choices[name] = byLang
		}
		if st.Topic != "" {
			for _, l := range locales.All {
				for _, w := range cat.Keywords(l, st.Topic) {
					ix.topics[l] = append(ix.topics[l], topicKeyword{word: w, state: name})
				}
			}
		}
	}
	for l, kws := range ix.topics {
		sort.SliceStable(kws, func(i, j int) bool { return len(kws[i].word) > len(kws[j].word) })
		ix.topics[l] = kws
	}
	return ix
}

func (ix *matchIndex) isGreeting(text string) bool {
	return ix.greetings[strings.TrimRight(locales.Fold(text), "!.?¡¿ ")]
}

func (ix *matchIndex) isDone(folded string) bool {
	return ix.global[strings.TrimRight(folded, ".!")] == kwDone
}

// matchNumber reads "2", "2.", "#2", "２" as 2.
func matchNumber(folded string) (int, bool) {
	s := strings.TrimLeft(strings.TrimRight(folded, ".)）。 "), "#")
	if s == "" || len(s) > 6 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n = n*10 + int(r-'0')
		case r >= '０' && r <= '９':
			n = n*10 + int(r-'０')
		default:
			return 0, false
		}
	}
	return n, true
}

// matchChoice finds the choice the person meant: its key ("2"), a keyword
// of the choice in their language or English, or such a keyword inside a
// longer message.
func (ix *matchIndex) matchChoice(st *State, lang locales.Lang, folded string) (int, bool) {
	key := strings.TrimLeft(strings.TrimRight(folded, ".)）。 "), "#")
	if n, ok := matchNumber(folded); ok {
		key = itoa(n)
	}
	for i := range st.Choices {
		if st.Choices[i].Key == key {
			return i, true
		}
	}
	kw := ix.choices[st.name][lang]
	if i, ok := kw[folded]; ok {
		return i, true
	}
	best, bestLen := -1, 0
	for w, i := range kw {
		if len(w) > bestLen && containsWord(folded, w) {
			best, bestLen = i, len(w)
		}
	}
	return best, best >= 0
}

func itoa(n int) string {
	if n >= 0 && n < 10 {
		return string(rune('0' + n))
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// matchTopic finds the answer whose keywords best match free text.
func (ix *matchIndex) matchTopic(lang locales.Lang, folded string) (string, bool) {
	for _, l := range []locales.Lang{lang, locales.English} {
		for _, t := range ix.topics[l] {
			if containsWord(folded, t.word) {
				return t.state, true
			}
		}
		if lang == locales.English {
			break
		}
	}
	return "", false
}

// containsWord reports whether w occurs in s on word boundaries. Scripts
// written without spaces (Han, Hangul syllables in compounds, Ethiopic)
// match anywhere.
func containsWord(s, w string) bool {
	if w == "" {
		return false
	}
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start := i + j
		end := start + len(w)
		if boundaryBefore(s, start, w) && boundaryAfter(s, end, w) {
			return true
		}
		i = start + 1
		if i >= len(s) {
			return false
		}
	}
}

func spaceless(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Ethiopic, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r)
}

func boundaryBefore(s string, i int, w string) bool {
	if i == 0 {
		return true
	}
	first, _ := utf8.DecodeRuneInString(w)
	if spaceless(first) {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

func boundaryAfter(s string, i int, w string) bool {
	if i >= len(s) {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(w)
	if spaceless(last) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}
