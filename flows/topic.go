package flows

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/spanish"

	"github.com/rightsline/rightsline/locales"
)

// The free-text matcher. Every answer with a topic is scored against the
// whole text; the answer with the best score wins, the answer listed first
// in locales/match/rules.toml winning a tie.
//
// Text is folded for matching (locales.MatchFold: case, width, diacritics,
// Ethiopic letter variants, Traditional to Simplified Chinese, punctuation),
// SMS spellings and misspellings are mapped to known words, and it is cut
// into features: in Latin scripts Snowball stems (English, Spanish, French)
// or syllables (Vietnamese) and pairs of neighbouring ones; in Chinese,
// Korean and Amharic, which do not separate words (or attach particles and
// affixes to them), runs of one and two characters (two and three in
// Amharic, whose letters are syllables).
//
// Each feature has a weight per answer learnt from the tuned example
// phrases (locales/examples) and the topic keyword lists (kw.topic.*):
// a naive Bayes log-likelihood on the feature's presence, centred on its
// mean over the answers so that words every answer shares ("my", "the")
// weigh nothing. Negative words lower an answer, context rules (a complaint
// and a consequence: retaliation) raise one. All of it is built once, at
// start-up; classifying a message allocates only the folded text and does
// no I/O.

// Confidence levels of a classification.
const (
	levelLow   = iota // nothing clear: the menu and the offer to file a report
	levelClose        // two answers close: "Did you mean 1 … 2 …"
	levelHigh         // the answer
)

// Thresholds on scores (in nats). A score is how much likelier the text is
// under an answer than under the average answer.
const (
	minScore   = 3.0  // the best answer must stand this far above the average
	highMargin = 2.0  // and this far above the second for a direct answer
	closeScore = 1.5  // the second must be at least this to be offered
	smoothing  = 0.02 // additive smoothing of feature counts
	kwWeight   = 2    // a topic keyword counts as this many example phrases
	maxFeats   = 512  // features read per message (about 1500 characters)
	negPenalty = 4.0
	negClip    = 0.2
)

type topicMatcher struct {
	states []string // answers in tie order
	models map[locales.Lang]*langModel
}

type langModel struct {
	lang     locales.Lang
	n        int // answers
	feat     map[uint64]int32
	w        []float32 // feature row * n + answer
	spelling map[string]string
	stems    map[string]string // stems of the words seen when building
	negative [][]string        // per answer, folded
	rules    []langRule
}

type langRule struct {
	topic          int
	groups         [][]string
	bonus, penalty float32
}

type topicResult struct {
	best, second  string
	level         int
	score, score2 float32
}

func buildTopicMatcher(cat *locales.Catalog, c *compiled, u *locales.Understanding) (*topicMatcher, error) {
	tm := &topicMatcher{models: map[locales.Lang]*langModel{}}
	topicOf := map[string]string{} // state → keyword list
	for _, name := range c.names {
		if st := c.states[name]; st.Topic != "" {
			topicOf[name] = st.Topic
		}
	}
	index := map[string]int{}
	for _, s := range u.Rules.Order {
		if _, ok := topicOf[s]; !ok {
			// Not in this flow set (tests load a few flows). The full set
			// is checked by TestUnderstandingNamesAnswers.
			continue
		}
		if _, dup := index[s]; dup {
			return nil, fmt.Errorf("flows: locales/match/rules.toml: order names %q twice", s)
		}
		index[s] = len(tm.states)
		tm.states = append(tm.states, s)
	}
	for _, name := range c.names {
		if _, ok := topicOf[name]; ok {
			if _, listed := index[name]; !listed {
				// Unlisted answers (flow sets in tests) come after the
				// listed ones, in name order; TestUnderstandingNamesAnswers
				// makes sure the real flows list every one.
				index[name] = len(tm.states)
				tm.states = append(tm.states, name)
			}
		}
	}
	for _, l := range cat.Langs() {
		m := &langModel{lang: l, n: len(tm.states), feat: map[uint64]int32{}, spelling: map[string]string{}, stems: map[string]string{}}
		d := u.Data[l]
		if d == nil {
			d = &locales.MatchData{}
		}
		for k, v := range d.Spelling {
			m.spelling[locales.MatchFold(k)] = locales.MatchFold(v)
		}
		m.negative = make([][]string, m.n)
		for s, ws := range d.Negative {
			i, ok := index[s]
			if !ok {
				continue
			}
			for _, w := range ws {
				if f := locales.MatchFold(w); f != "" {
					m.negative[i] = append(m.negative[i], f)
				}
			}
		}
		for _, r := range u.Rules.Rules {
			i, ok := index[r.Topic]
			if !ok {
				continue
			}
			lr := langRule{topic: i, bonus: float32(r.Bonus), penalty: float32(r.Penalty)}
			usable := true
			for _, g := range r.AllOf {
				var ws []string
				for _, w := range d.Groups[g] {
					if f := locales.MatchFold(w); f != "" {
						ws = append(ws, f)
					}
				}
				if len(ws) == 0 {
					usable = false // this language has no words for the group
				}
				lr.groups = append(lr.groups, ws)
			}
			if usable {
				m.rules = append(m.rules, lr)
			}
		}
		// Training documents: the tuned phrases and the keywords of this
		// language, and the English keywords (people mix in English).
		type doc struct {
			text   string
			topic  int
			weight float64
		}
		var docs []doc
		for _, s := range tm.states {
			for _, w := range cat.Keywords(l, topicOf[s]) {
				docs = append(docs, doc{w, index[s], kwWeight})
			}
			if l != locales.English {
				for _, w := range cat.Keywords(locales.English, topicOf[s]) {
					docs = append(docs, doc{w, index[s], 1})
				}
			}
		}
		if ex := u.Examples[l]; ex != nil {
			for _, t := range ex.Topics {
				i, ok := index[t.State]
				if !ok {
					continue
				}
				for _, p := range t.Tuned {
					docs = append(docs, doc{p, i, 1})
				}
				// t.HeldApart is never read here: those phrases only
				// measure the matcher.
			}
		}
		counts := map[uint64][]float64{}
		total := make([]float64, m.n)
		var buf [maxFeats]uint64
		for _, d := range docs {
			fs := m.features(locales.MatchFold(d.text), buf[:0], true)
			for _, f := range fs {
				row := counts[f]
				if row == nil {
					row = make([]float64, m.n)
					counts[f] = row
				}
				row[d.topic] += d.weight
				total[d.topic] += d.weight
			}
		}
		vocab := float64(len(counts))
		m.w = make([]float32, 0, len(counts)*m.n)
		p := make([]float64, m.n)
		p0 := smoothing / (smoothing*vocab + 1)
		for f, row := range counts {
			sum := 0.0
			for t := range row {
				p[t] = (row[t] + smoothing) / (total[t] + smoothing*vocab + 1)
				sum += p[t]
			}
			m.feat[f] = int32(len(m.w) / m.n)
			for t := range row {
				// How much likelier the feature is under this answer than
				// under the others on average.
				// A background answer with no phrases at all counts
				// among the others, so that a flow set of one answer
				// still has something to compare with.
				rest := (sum - p[t] + p0) / float64(m.n)
				// Absence from an answer's phrases is weak evidence with
				// so few phrases: negative weights are clipped.
				m.w = append(m.w, float32(max(math.Log(p[t]/rest), -negClip)))
			}
		}
		tm.models[l] = m
	}
	return tm, nil
}

// classify scores every answer against text in language lang.
func (tm *topicMatcher) classify(lang locales.Lang, text string) topicResult {
	m := tm.models[lang]
	if m == nil || m.n == 0 {
		return topicResult{}
	}
	folded := locales.MatchFold(text)
	var buf [maxFeats]uint64
	fs := m.features(folded, buf[:0], false)
	var scoreBuf [64]float32
	scores := scoreBuf[:0]
	if m.n <= len(scoreBuf) {
		scores = scoreBuf[:m.n]
	} else {
		scores = make([]float32, m.n)
	}
	seen := false
	for _, f := range fs {
		row, ok := m.feat[f]
		if !ok {
			continue
		}
		seen = true
		w := m.w[int(row)*m.n : int(row)*m.n+m.n]
		for t := range scores {
			scores[t] += w[t]
		}
	}
	if !seen {
		return topicResult{}
	}
	for t, neg := range m.negative {
		for _, w := range neg {
			if containsWord(folded, w) {
				scores[t] -= negPenalty
				break
			}
		}
	}
	for _, r := range m.rules {
		all, first := true, false
		for gi, g := range r.groups {
			found := false
			for _, w := range g {
				if containsWord(folded, w) {
					found = true
					break
				}
			}
			if gi == 0 {
				first = found
			}
			if !found {
				all = false
			}
		}
		switch {
		case all:
			scores[r.topic] += r.bonus
		case first:
			scores[r.topic] -= r.penalty
		}
	}
	b, s := -1, -1
	for t := range scores {
		switch {
		case b < 0 || scores[t] > scores[b]:
			b, s = t, b
		case s < 0 || scores[t] > scores[s]:
			s = t
		}
	}
	res := topicResult{best: tm.states[b], score: scores[b]}
	if s >= 0 {
		res.second, res.score2 = tm.states[s], scores[s]
	}
	switch {
	case scores[b] < minScore:
		res.level = levelLow
	case s < 0 || scores[b]-scores[s] >= highMargin || scores[s] < closeScore:
		res.level = levelHigh
	default:
		res.level = levelClose
	}
	return res
}

// features cuts folded text into hashed features, appending to dst. Each
// feature appears once. learn records the stems it computes.
func (m *langModel) features(folded string, dst []uint64, learn bool) []uint64 {
	prev := ""
	add := func(h uint64) {
		if len(dst) == cap(dst) {
			return
		}
		for _, x := range dst {
			if x == h {
				return
			}
		}
		dst = append(dst, h)
	}
	for rest := folded; rest != ""; {
		var word string
		if i := strings.IndexByte(rest, ' '); i >= 0 {
			word, rest = rest[:i], rest[i+1:]
		} else {
			word, rest = rest, ""
		}
		// A word may mix scripts ("dc에"): cut it into runs.
		for word != "" {
			r, _ := utf8.DecodeRuneInString(word)
			sl := spaceless(r)
			end := len(word)
			for i, r := range word {
				if spaceless(r) != sl {
					end = i
					break
				}
			}
			run := word[:end]
			word = word[end:]
			if sl {
				m.ngrams(run, add)
				prev = ""
				continue
			}
			for _, part := range strings.Fields(m.expand(run)) {
				st := m.stem(part, learn)
				add(hashFeat('w', st, ""))
				if len(part) >= 6 && m.lang != locales.Vietnamese {
					// The first letters: misspelt endings still meet.
					add(hashFeat('p', part[:4], ""))
				}
				if prev != "" {
					add(hashFeat('b', prev, st))
				}
				prev = st
			}
		}
		if len(dst) == cap(dst) {
			break
		}
	}
	return dst
}

// expand applies the spelling map to a whole token (it may map to several
// words: "bc" → "because").
func (m *langModel) expand(w string) string {
	if sp, ok := m.spelling[w]; ok {
		return sp
	}
	return w
}

// ngrams adds character n-grams of a run of Han, Hangul or Ethiopic text.
func (m *langModel) ngrams(run string, add func(uint64)) {
	var rs [64]int // byte offsets of rune starts
	n := 0
	for i := range run {
		if n == len(rs)-1 {
			break
		}
		rs[n] = i
		n++
	}
	end := len(run)
	if n == len(rs)-1 {
		end = rs[n-1]
		n--
	}
	rs[n] = end
	lo, hi := 1, 2
	if r, _ := utf8.DecodeRuneInString(run); unicode.Is(unicode.Ethiopic, r) {
		lo, hi = 2, 3
		add(hashFeat('e', run[:rs[min(n, 3)]], "")) // the word's first letters: a rough stem
		if n < 2 {
			add(hashFeat('c', run, ""))
		}
	}
	for k := lo; k <= hi; k++ {
		for i := 0; i+k <= n; i++ {
			add(hashFeat('c', run[rs[i]:rs[i+k]], ""))
		}
	}
}

func (m *langModel) stem(w string, learn bool) string {
	if s, ok := m.stems[w]; ok {
		return s
	}
	var s string
	switch m.lang {
	case locales.English:
		s = english.Stem(w, false)
	case locales.Spanish:
		s = spanish.Stem(w, false)
	case locales.French:
		s = french.Stem(w, false)
	default:
		return w
	}
	if learn {
		m.stems[w] = s
	}
	return s
}

// hashFeat is FNV-1a over a kind byte and one or two strings.
func hashFeat(kind byte, a, b string) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	h = (h ^ uint64(kind)) * prime
	for i := 0; i < len(a); i++ {
		h = (h ^ uint64(a[i])) * prime
	}
	if b != "" {
		h = (h ^ ' ') * prime
		for i := 0; i < len(b); i++ {
			h = (h ^ uint64(b[i])) * prime
		}
	}
	return h
}

// TopicMatch is how the matcher reads a text, for tests and tools.
type TopicMatch struct {
	Best, Second  string
	Confidence    string // "high", "close" or "low"
	Score, Score2 float32
}

// ClassifyTopic scores text in language lang against every answer, as the
// engine does for free text.
func (e *Engine) ClassifyTopic(lang locales.Lang, text string) TopicMatch {
	r := e.index.topics.classify(lang, locales.Fold(text))
	return TopicMatch{Best: r.best, Second: r.second, Confidence: [...]string{"low", "close", "high"}[r.level], Score: r.score, Score2: r.score2}
}
