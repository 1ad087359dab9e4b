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
	// choiceWords lists the same keywords per state and language, longest
	// first and, among equally long ones, in the order of the choices in
	// the flow file: the declared order breaks ties.
	choiceWords map[string]map[locales.Lang][]choiceWord
	// greetings holds words that only say hello, in any language.
	greetings map[string]bool
	// topics classifies free text (topic.go).
	topics *topicMatcher
	// labels names each answer with a topic by the label of a choice that
	// leads to it, for "Did you mean".
	labels map[string]string
}

type choiceWord struct {
	word   string
	choice int
}

func buildIndex(cat *locales.Catalog, c *compiled, u *locales.Understanding) (*matchIndex, error) {
	ix := &matchIndex{
		global:      map[string]string{},
		choices:     map[string]map[locales.Lang]map[string]int{},
		choiceWords: map[string]map[locales.Lang][]choiceWord{},
		greetings:   map[string]bool{},
	}
	for _, l := range cat.Langs() {
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
			words := map[locales.Lang][]choiceWord{}
			for _, l := range cat.Langs() {
				m := map[string]int{}
				var ws []choiceWord
				for i, ch := range st.Choices {
					if ch.Keywords == "" {
						continue
					}
					// English keywords work in every language.
					for _, w := range cat.KeywordsWithEnglish(l, ch.Keywords) {
						if _, taken := m[w]; !taken {
							m[w] = i
							ws = append(ws, choiceWord{word: w, choice: i})
						}
					}
				}
				sort.SliceStable(ws, func(i, j int) bool { return len(ws[i].word) > len(ws[j].word) })
				byLang[l] = m
				words[l] = ws
			}
			ix.choices[name] = byLang
			ix.choiceWords[name] = words
		}
	}
	tm, err := buildTopicMatcher(cat, c, u)
	if err != nil {
		return nil, err
	}
	ix.topics = tm
	ix.labels = map[string]string{}
	for _, name := range c.names {
		for _, ch := range c.states[name].Choices {
			if _, done := ix.labels[ch.Go]; !done && ch.Label != "" {
				ix.labels[ch.Go] = ch.Label
			}
		}
	}
	return ix, nil
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
	if i, ok := ix.choices[st.name][lang][folded]; ok {
		return i, true
	}
	// The longest keyword found wins; of equally long ones, the choice
	// listed first in the flow file ("the city cops": police before city).
	for _, w := range ix.choiceWords[st.name][lang] {
		if containsWord(folded, w.word) {
			return w.choice, true
		}
	}
	return -1, false
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

// matchTopic finds the answer free text asks for, when the matcher is
// confident of it.
func (ix *matchIndex) matchTopic(lang locales.Lang, text string) (string, bool) {
	m := ix.topics.classify(lang, text)
	if m.level != levelHigh {
		return "", false
	}
	return m.best, true
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
	if r < 0x1100 {
		return false // Latin, Greek, Cyrillic …: the common case, decided at once
	}
	switch {
	case r >= 0xAC00 && r <= 0xD7A3, r >= 0x4E00 && r <= 0x9FFF: // Hangul syllables, CJK ideographs
		return true
	case r >= 0x1200 && r < 0x1200+64*rune(len(ethiopicBlock)): // the Ethiopic block, its gaps too
		i := r - 0x1200
		return ethiopicBlock[i/64]&(1<<(i%64)) != 0
	}
	return spacelessSlow(r)
}

// ethiopicBlock has a bit set for each Ethiopic letter of U+1200–U+137F
// (the Amharic letters; unicode.Is on them is a search of its table).
var ethiopicBlock = func() (b [6]uint64) {
	for i := range rune(64 * len(b)) {
		if unicode.Is(unicode.Ethiopic, 0x1200+i) {
			b[i/64] |= 1 << (i % 64)
		}
	}
	return b
}()

// spacelessSlow is spaceless by Unicode's tables alone.
func spacelessSlow(r rune) bool {
	if r < 0x1100 {
		return false
	}
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
