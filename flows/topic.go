package flows

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"

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
// and a consequence: retaliation) raise one. All of it is built once per
// language, from start-up on, in the background (New returns before the
// models are built, so the service answers at once; a message in a
// language not built yet builds its model or waits for it); classifying a
// message allocates only the folded text and does no I/O.

// Confidence levels of a classification.
const (
	levelLow   = iota // nothing clear: the menu and the offer to file a report
	levelClose        // two answers close: "Did you mean 1 … 2 …"
	levelHigh         // the answer
)

// Thresholds on scores (in nats). A score is how much likelier the text is
// under an answer than under the average answer.
//
// The weights of the feature kinds and the smoothing were chosen on the
// cross-validated figure (TestExamplePhrasesCrossValidated), never on the
// held-apart phrases.
const (
	minScore      = 3.0 // the best answer must stand this far above the average
	highMargin    = 2.5 // and this far above the second for a direct answer
	closeScore    = 1.5 // the second must be at least this to be offered
	smoothing     = 0.2 // additive smoothing of feature counts
	kwWeight      = 2.0 // a topic keyword counts as this many example phrases
	negPenalty    = 4.0 // a negative word of an answer takes this off it
	negClip       = 0.2 // absence is weak evidence: negative weights stop here
	conceptWeight = 1.5 // a concept pools many words: it weighs more
	prefixWeight  = 1.0 // the first four letters of a long word
	bigramWeight  = 0.4 // a pair of words mostly repeats its two words
	ngramWeight   = 0.6 // runs of characters overlap each other
	contentWeight = 0.5 // a line of what an answer says, as example phrases go
	skelWeight    = 0.6 // runs of consonants (Ethiopic languages)
)

// ethiopicTrimMin is the length (in letters) from which an Ethiopic
// concept, negative or group word is looked up without its last letter
// (see lookupKey). Chosen on the cross-validated figure (3: 96.1 %, 4:
// 96.2 %, none: 95.8 % in Amharic).
const ethiopicTrimMin = 4

const maxFeats = 512 // features read per message (about 1500 characters)

// stemCacheMax is how many words met in messages keep their stems, per
// language (about 1 MB at most).
const stemCacheMax = 10000

type topicMatcher struct {
	states []string // answers in tie order
	models map[locales.Lang]*lazyModel
}

// lazyModel is one language's model, built once: by the background
// builders New starts, or by the first message in that language if it
// comes first (it then builds it, or waits for the builder that is).
type lazyModel struct {
	once  sync.Once
	build func() *langModel
	m     *langModel
}

func (lm *lazyModel) get() *langModel {
	lm.once.Do(func() { lm.m = lm.build(); lm.build = nil })
	return lm.m
}

// model is the model of language l, nil if there is none.
func (tm *topicMatcher) model(l locales.Lang) *langModel {
	if lm := tm.models[l]; lm != nil {
		return lm.get()
	}
	return nil
}

// warm builds the models in the background, in order (the source
// language first), with one builder fewer than the CPUs the process may
// use (at least one), so that start-up and the first requests keep a CPU
// while the models are built.
func (tm *topicMatcher) warm(order []locales.Lang) {
	next := make(chan locales.Lang, len(order))
	for _, l := range order {
		next <- l
	}
	close(next)
	for range max(1, min(runtime.GOMAXPROCS(0)-1, len(order))) {
		go func() {
			for l := range next {
				tm.model(l)
			}
		}()
	}
}

// snowballStemmers are the stemmers a language's `stemmer` in
// locales/languages.toml names (locales.Stemmers).
var snowballStemmers = map[string]func(string, bool) string{
	"english": english.Stem, "spanish": spanish.Stem, "french": french.Stem, "russian": russian.Stem,
	"swedish": swedish.Stem, "norwegian": norwegian.Stem, "hungarian": hungarian.Stem,
}

// HasStemmer reports whether the matcher has the Snowball stemmer name.
func HasStemmer(name string) bool { return snowballStemmers[name] != nil }

type langModel struct {
	lang locales.Lang
	// consonants is set for a language written in Ethiopic letters: the
	// words of its phrases, and words written in Latin letters (romanised
	// Amharic) in its messages, also give runs of their consonants (see
	// consonantRuns), so that the two spellings of a word meet.
	consonants bool
	// stemmer is the language's Snowball stemmer (nil: none) and
	// prefixes whether word prefixes are features (not for a syllabic
	// language), both from locales/languages.toml.
	stemmer  func(string, bool) string
	prefixes bool
	n        int       // answers
	feat     featTable // feature → its row in w
	w        []float32 // feature row * n + answer
	spelling map[string]string
	elided   map[string]bool   // words written elided before an apostrophe (match/<lang>.toml)
	stems    map[string]string // stems of the words seen when building
	// wordCount counts the words of the phrases while building; vocab and
	// dels find the known word a misspelt one stands for (see correct).
	wordCount  map[string]int
	vocab      featTable // hash of a known word → its index in vocabWords
	dels       featTable // hash of a known word less one letter → the commonest such word
	vocabWords []string  // commonest first
	// stemCache holds the stems of words met in messages since (string →
	// string), at most stemCacheMax of them (stemCacheLen counts the
	// words stored or refused).
	stemCache    sync.Map
	stemCacheLen atomic.Int64
	// stemStarts holds the first three letters of every known stem.
	stemStarts map[[3]byte]bool
	rules      []langRule
	// exact maps a text that is exactly one answer's keyword ("report",
	// "eviction") to that answer: it is answered whatever the scores say
	// (-1: the keyword of several answers).
	exact map[string]int
	// concepts maps the feature of a word, a pair of words or a run of
	// characters (its hash) to the concept features it stands for:
	// "roaches", "mice" and "bedbugs" all add the feature of "pests", so a
	// word no example uses still weighs what its concept learnt.
	concepts map[uint64]conceptHit
	// conceptStarts holds the first two characters of every concept word
	// (and marked word) in scripts without spaces: longer runs are looked
	// up only from such a start.
	conceptStarts map[uint64]bool
	conceptFirsts map[uint64]bool // the same, of the first character
	// conceptIndex, conceptHits, starts and firsts are concepts,
	// conceptStarts and the first characters of every concept word in
	// scripts without spaces, as tables for reading messages (built
	// before the example phrases are read: see freezeConcepts).
	conceptIndex featTable // feature → index in conceptHits
	conceptHits  []conceptHit
	starts       featTable
	firsts       featTable
	// conceptRun is the longest concept word in characters, in scripts
	// without spaces (runs up to it are looked up).
	conceptRun int
}

// conceptHit is what a word found in a text stands for: concept features
// and marks (negative words, rule groups).
type conceptHit struct {
	feats []uint64
	marks uint64
}

// langRule is a rule of rules.toml in one language: groups are the marks
// of its word groups.
type langRule struct {
	topic          int
	groups         []uint64
	bonus, penalty float32
}

type topicResult struct {
	best, second  string
	level         int
	score, score2 float32
	// exact: the text is exactly one answer's keyword; sure: and the
	// scores alone give that answer with a high confidence.
	exact, sure bool
}

func buildTopicMatcher(cat *locales.Catalog, c *compiled, u *locales.Understanding) (*topicMatcher, error) {
	tm := &topicMatcher{models: map[locales.Lang]*lazyModel{}}
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
	// Negative words and the rules' word groups are marks: bits set while
	// the text is cut into features (bit t: a negative word of answer t;
	// from 32, the rules' groups in turn, each group once).
	if len(tm.states) > 32 {
		return nil, fmt.Errorf("flows: %d answers with a topic; negative words are marked for at most 32", len(tm.states))
	}
	// A group named by several rules is one mark.
	groups := map[string]bool{}
	for _, r := range u.Rules.Rules {
		if _, ok := index[r.Topic]; ok {
			for _, g := range r.AllOf {
				groups[g] = true
			}
		}
	}
	if len(groups) > 32 {
		return nil, fmt.Errorf("flows: locales/match/rules.toml: more than 32 word groups in rules")
	}
	// The keyword lists are read now, as the files and the edits in force
	// have them: the models are built later (in the background), and an
	// edit applied in between must not change what they learn.
	kw := map[locales.Lang]map[string][]string{}
	for _, l := range cat.Langs() {
		kw[l] = map[string][]string{}
		for _, s := range tm.states {
			kw[l][s] = cat.Keywords(l, topicOf[s])
		}
	}
	// What each answer says (its messages, MORE's too): the answer's own
	// words, written in every language, are examples of what it is about.
	says := map[string][]string{}
	for _, name := range c.names {
		if st := c.states[name]; st.Topic != "" {
			says[name] = append(slices.Clone(st.Say), st.More...)
		}
	}
	for _, l := range cat.Langs() {
		b := &modelBuilder{cat: cat, u: u, tm: tm, index: index, lang: l, kw: kw, says: says}
		tm.models[l] = &lazyModel{build: b.build}
	}
	return tm, nil
}

// modelBuilder holds what building one language's model reads.
type modelBuilder struct {
	cat   *locales.Catalog
	u     *locales.Understanding
	tm    *topicMatcher
	index map[string]int
	lang  locales.Lang
	kw    map[locales.Lang]map[string][]string // language → answer → keywords
	// says are the message IDs of what each answer says.
	says map[string][]string
}

// build builds the model of one language from the tuned example phrases,
// the keyword lists and the matcher data. It reads only data that no
// longer changes (the catalog's files, the understanding data and the
// keyword lists as New read them), so builders of several languages may
// run at once.
func (b *modelBuilder) build() *langModel {
	tm, u, cat, index, l := b.tm, b.u, b.cat, b.index, b.lang
	m := &langModel{lang: l, n: len(tm.states), spelling: map[string]string{}, stems: map[string]string{}, wordCount: map[string]int{}, conceptStarts: map[uint64]bool{}, conceptFirsts: map[uint64]bool{}, prefixes: true}
	if info, ok := cat.Language(l); ok {
		m.stemmer, m.prefixes = snowballStemmers[info.Stemmer], !info.Syllabic
		m.consonants = info.Script == "Ethiopic"
	}
	d := u.Data[l]
	if d == nil {
		d = &locales.MatchData{}
	}
	for k, v := range d.Spelling {
		m.spelling[locales.MatchFold(k)] = locales.MatchFold(v)
	}
	if len(d.Elided) > 0 {
		m.elided = map[string]bool{}
		for _, w := range d.Elided {
			m.elided[locales.MatchFold(w)] = true
		}
	}
	m.buildConcepts(d, u.Data[locales.English])
	for st, ws := range d.Negative {
		i, ok := index[st]
		if !ok {
			continue
		}
		for _, w := range ws {
			m.mark(w, 1<<i)
		}
	}
	bit := 32
	type groupMark struct {
		mark   uint64
		usable bool // this language has words for the group
	}
	marks := map[string]groupMark{} // a group named by several rules is marked once
	for _, r := range u.Rules.Rules {
		i, ok := index[r.Topic]
		if !ok {
			continue
		}
		lr := langRule{topic: i, bonus: float32(r.Bonus), penalty: float32(r.Penalty)}
		usable := true
		for _, g := range r.AllOf {
			gm, done := marks[g]
			if !done {
				gm.mark = 1 << bit
				bit++
				for _, w := range d.Groups[g] {
					if m.mark(w, gm.mark) {
						gm.usable = true
					}
				}
				marks[g] = gm
			}
			if !gm.usable {
				usable = false // this language has no words for the group
			}
			lr.groups = append(lr.groups, gm.mark)
		}
		if usable {
			m.rules = append(m.rules, lr)
		}
	}
	m.freezeConcepts()
	// Training documents: the tuned phrases and the keywords of this
	// language, and the English keywords (people mix in English).
	type doc struct {
		text   string
		topic  int
		weight float64
	}
	var docs []doc
	m.exact = map[string]int{}
	for _, s := range tm.states {
		for _, w := range b.kw[l][s] {
			docs = append(docs, doc{w, index[s], kwWeight})
			f := m.fold(w)
			if i, taken := m.exact[f]; taken && i != index[s] {
				m.exact[f] = -1
			} else {
				m.exact[f] = index[s]
			}
		}
		if l != locales.English {
			for _, w := range b.kw[locales.English][s] {
				docs = append(docs, doc{w, index[s], 1})
			}
		}
		// Each line of what the answer says is a phrase; the lines every
		// answer has ("1 File a report", "0 Back") weigh nothing, being
		// in every answer alike.
		for _, id := range b.says[s] {
			if msg, ok := cat.Lookup(l, id); ok {
				for _, line := range strings.Split(msg.Text, "\n") {
					docs = append(docs, doc{line, index[s], contentWeight})
				}
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
	fs := new(featSet)
	for _, d := range docs {
		*fs = featSet{}
		m.features(m.fold(d.text), fs, true)
		for _, f := range fs.list[:fs.n] {
			row := counts[f]
			if row == nil {
				row = make([]float64, m.n)
				counts[f] = row
			}
			row[d.topic] += d.weight
			total[d.topic] += d.weight
		}
	}
	m.stemStarts = map[[3]byte]bool{}
	for _, st := range m.stems {
		m.stemStarts[prefix3(st)] = true
	}
	// The words of everything Rightsline says in this language are
	// the words residents write back most: their stems are kept,
	// computed once here rather than for every message.
	if m.stemmer != nil {
		for _, id := range cat.IDs() {
			if msg, ok := cat.Lookup(l, id); ok {
				for _, w := range strings.Fields(m.fold(msg.Text)) {
					m.stem(w, true)
				}
			}
		}
	}
	// The setting groups (rules.toml [[setting]]): answer → its group.
	groupOf := make([]int, m.n)
	for t := range groupOf {
		groupOf[t] = -1
	}
	var groups []locales.SettingGroup
	for _, g := range u.Rules.Settings {
		for _, a := range g.Answers {
			if i, ok := index[a]; ok && groupOf[i] < 0 {
				groupOf[i] = len(groups)
			}
		}
		groups = append(groups, g)
	}
	vocab := float64(len(counts))
	m.w = make([]float32, 0, len(counts)*m.n)
	feat := make(map[uint64]int32, len(counts))
	p := make([]float64, m.n)
	p0 := smoothing / (smoothing*vocab + 1)
	for f, row := range counts {
		sum := 0.0
		for t := range row {
			p[t] = (row[t] + smoothing) / (total[t] + smoothing*vocab + 1)
			sum += p[t]
		}
		feat[f] = int32(len(m.w) / m.n)
		for t := range row {
			// How much likelier the feature is under this answer than
			// under the others on average.
			// A background answer with no phrases at all counts
			// among the others, so that a flow set of one answer
			// still has something to compare with.
			rest := (sum - p[t] + p0) / float64(m.n)
			// Absence from an answer's phrases is weak evidence with
			// so few phrases: negative weights are clipped.
			m.w = append(m.w, float32(kindWeight(f)*max(math.Log(p[t]/rest), -negClip)))
		}
		for gi, g := range groups {
			m.spreadInGroup(m.w[len(m.w)-m.n:], p, groupOf, gi, g)
		}

	}
	m.feat = newFeatTable(feat)
	m.buildVocab()
	return m
}

// spreadInGroup evens out, among the answers of setting group gi, the
// weights w (one feature's row) of a feature spread over them alike (p, its
// smoothed share in each answer's phrases): the normalised entropy of its
// shares over the group at least g.Spread. Such a feature (race, religion,
// "because I am") says the text is about the group, not which answer of
// it: each member's weight moves g.Shrink of the way to the members' mean,
// so the setting words (boss, store, permit, landlord) decide.
func (m *langModel) spreadInGroup(w []float32, p []float64, groupOf []int, gi int, g locales.SettingGroup) {
	sum, k := 0.0, 0
	for t := range w {
		if groupOf[t] == gi {
			sum += p[t]
			k++
		}
	}
	if k < 2 || sum == 0 {
		return
	}
	h := 0.0
	var mean float32
	for t := range w {
		if groupOf[t] == gi {
			q := p[t] / sum
			h -= q * math.Log(q)
			mean += w[t]
		}
	}
	if h/math.Log(float64(k)) < g.Spread {
		return
	}
	mean /= float32(k)
	for t := range w {
		if groupOf[t] == gi {
			w[t] = mean + float32(1-g.Shrink)*(w[t]-mean)
		}
	}
}

// buildVocab makes the tables correct reads: the words of the phrases
// (ASCII, four letters or more) whose stem is a feature, and every such
// word less one letter, each deletion naming the commonest word it comes
// from (ties: the first in byte order).
func (m *langModel) buildVocab() {
	defer func() { m.wordCount = nil }()
	if !m.prefixes {
		return // syllables (Vietnamese) are too short to correct
	}
	var words []string
	for w := range m.wordCount {
		if len(w) >= 4 && isASCIIWord(w) {
			if _, ok := m.feat.get(hashFeat('w', m.stem(w, true), "")); ok {
				words = append(words, w)
			}
		}
	}
	slices.SortFunc(words, func(a, b string) int {
		if d := m.wordCount[b] - m.wordCount[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	vocab := make(map[uint64]int32, len(words))
	dels := make(map[uint64]int32, len(words)*6)
	for i, w := range words {
		vocab[hashFeat('v', w, "")] = int32(i)
		for j := range min(len(w), delPosMax) {
			h := hashSkip('d', w, j)
			if _, taken := dels[h]; !taken { // words come commonest first
				dels[h] = int32(i*delPosMax + j)
			}
		}
	}
	m.vocabWords = words
	m.vocab = newFeatTable(vocab)
	m.dels = newFeatTable(dels)
}

// correct returns the known word that w, a word of a message, is a
// misspelling of: when w is unknown (not a word of the phrases, nor of
// what Rightsline writes, nor a known stem once stemmed) and one letter
// away (a letter left out, added or changed, or two swapped) from words of
// the phrases that start with the same letter, the commonest of them.
// Otherwise it returns w. Only ASCII words of five letters or more are
// corrected, and four-letter ones for a letter left out ("ayda", ayuda):
// shorter ones have too many neighbours.
func (m *langModel) correct(w string) string {
	if len(m.vocabWords) == 0 || len(w) < 4 || !isASCIIWord(w) || m.vocab.has(hashFeat('v', w, "")) {
		return w
	}
	if _, known := m.stems[w]; known {
		return w // a word Rightsline itself writes
	}
	if m.feat.has(hashFeat('w', m.stem(w, false), "")) {
		return w // unknown as written, but its stem is known
	}
	best := int32(-1)
	take := func(i int32) {
		// People seldom misspell a word's first letter; words one letter
		// apart that start differently are mostly other words.
		if m.vocabWords[i][0] == w[0] && (best < 0 || i < best) { // lower index: commoner
			best = i
		}
	}
	if d, ok := m.dels.get(hashFeat('d', w, "")); ok {
		take(d / delPosMax) // a letter left out
	}
	if len(w) < 5 {
		// Four letters: only a letter left out of a longer word
		// ("ayda", ayuda); changed or added, too many words are near.
		if best < 0 {
			return w
		}
		return m.vocabWords[best]
	}
	for j := range len(w) {
		if i, ok := m.vocab.get(hashSkip('v', w, j)); ok {
			take(i) // a letter added
		}
		// The same letter left out of both: a letter changed (at the
		// same place) or two swapped (next to each other); other places
		// are two edits ("hoars" is "horas", not "hogar").
		if d, ok := m.dels.get(hashSkip('d', w, j)); ok && abs(int(d%delPosMax)-j) <= 1 {
			take(d / delPosMax)
		}
	}
	if best < 0 {
		return w
	}
	return m.vocabWords[best]
}

// delPosMax bounds the place of the letter a deletion in dels leaves out
// (its value is the word's index * delPosMax + the place).
const delPosMax = 64

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func isASCIIWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// hashSkip is hashFeat(kind, w without its byte j, "").
func hashSkip(kind byte, w string, j int) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	h = (h ^ uint64(kind)) * prime
	for i := 0; i < len(w); i++ {
		if i != j {
			h = (h ^ uint64(w[i])) * prime
		}
	}
	return h&^7 | kindCode(kind)
}

// freezeConcepts makes the tables messages are read with from the
// concepts and marks, once they are all known.
func (m *langModel) freezeConcepts() {
	index := make(map[uint64]int32, len(m.concepts))
	for k, c := range m.concepts {
		index[k] = int32(len(m.conceptHits))
		m.conceptHits = append(m.conceptHits, c)
	}
	m.conceptIndex = newFeatTable(index)
	set := func(s map[uint64]bool) featTable {
		t := make(map[uint64]int32, len(s))
		for k := range s {
			t[k] = 1
		}
		return newFeatTable(t)
	}
	m.starts = set(m.conceptStarts)
	m.firsts = set(m.conceptFirsts)
}

// concept returns what feature h stands for, if it is a concept word or a
// marked one.
func (m *langModel) concept(h uint64) (*conceptHit, bool) {
	i, ok := m.conceptIndex.get(h)
	if !ok {
		return nil, false
	}
	return &m.conceptHits[i], true
}

// classify scores every answer against text in language lang.
func (tm *topicMatcher) classify(lang locales.Lang, text string) topicResult {
	m := tm.model(lang)
	if m == nil || m.n == 0 {
		return topicResult{}
	}
	folded := m.fold(text)
	var fs featSet
	m.features(folded, &fs, false)
	var scoreBuf [64]float32
	scores := scoreBuf[:0]
	if m.n <= len(scoreBuf) {
		scores = scoreBuf[:m.n]
	} else {
		scores = make([]float32, m.n)
	}
	seen := false
	for _, f := range fs.list[:fs.n] {
		row, ok := m.feat.get(f)
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
	for t := 0; t < m.n; t++ {
		if fs.marks&(1<<t) != 0 {
			scores[t] -= negPenalty
		}
	}
	for _, r := range m.rules {
		all := true
		for _, g := range r.groups {
			if fs.marks&g == 0 {
				all = false
			}
		}
		switch {
		case all:
			scores[r.topic] += r.bonus
		case fs.marks&r.groups[0] != 0:
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
	if i, ok := m.exact[folded]; ok && i >= 0 {
		// The text is exactly one answer's keyword. sure: the scores
		// alone answer it too, and no answer of another flow is a
		// candidate ("work" is also the heat that does not work: the
		// repairs answer scores for it; "sweep" and "desalojo" have no
		// candidate but answers of their own flow).
		sure := res.level == levelHigh && b == i &&
			(s < 0 || scores[s] < closeScore || sameFlow(tm.states[b], tm.states[s]))
		res.exact, res.sure = true, sure
		if b != i {
			res.second, res.score2 = tm.states[b], scores[b]
		}
		res.best, res.score, res.level = tm.states[i], scores[i], levelHigh
		return res
	}
	return res
}

// sameFlow reports whether two states are of the same flow ("housing.eviction"
// and "housing.retaliation").
func sameFlow(a, b string) bool {
	fa, _, _ := strings.Cut(a, ".")
	fb, _, _ := strings.Cut(b, ".")
	return fa == fb
}

// featSet collects the distinct features of one text in fixed arrays, so
// that classifying allocates nothing for them.
type featSet struct {
	slots [2 * maxFeats]uint64 // open addressing on the hash; 0 is empty
	list  [maxFeats]uint64
	n     int
	marks uint64 // negative words and rule groups found
}

func (fs *featSet) add(h uint64) {
	if fs.n == len(fs.list) {
		return
	}
	if h == 0 {
		h = 1
	}
	for i := h % uint64(len(fs.slots)); ; i = (i + 1) % uint64(len(fs.slots)) {
		switch fs.slots[i] {
		case h:
			return
		case 0:
			fs.slots[i] = h
			fs.list[fs.n] = h
			fs.n++
			return
		}
	}
}

func (fs *featSet) full() bool { return fs.n == len(fs.list) }

// features cuts folded text into hashed features, adding them to fs. Each
// feature appears once. learn records the stems it computes.
func (m *langModel) features(folded string, fs *featSet, learn bool) {
	var prev, prev2 string
	concept := func(h uint64) {
		if c, ok := m.concept(h); ok {
			fs.marks |= c.marks
			for _, f := range c.feats {
				fs.add(f)
			}
		}
	}
	word := func(part string) {
		if learn {
			m.wordCount[part]++
		} else {
			part = m.correct(part)
		}
		st := m.stem(part, learn)
		h := hashFeat('w', st, "")
		fs.add(h)
		concept(h)
		if m.consonants {
			// Romanised Amharic ("akerayu"): its consonants are those of
			// the word in Ethiopic letters (አከራዩ).
			var cs [64]byte
			consonantRuns(latinConsonants(part, &cs), fs)
		}
		if len(part) >= 6 && m.prefixes {
			// The first letters: misspelt endings still meet.
			fs.add(hashFeat('p', part[:4], ""))
		}
		if prev != "" {
			b := hashFeat('b', prev, st)
			fs.add(b)
			concept(b)
			if prev2 != "" {
				concept(hashFeat3('t', prev2, prev, st))
			}
		}
		prev2, prev = prev, st
	}
	// Runs without spaces are also read joined, for concepts and marks:
	// Korean and Amharic write spaces between words ("잘 곳", "ዛሬ ማታ"),
	// and a concept may be two of them.
	var join [1024]byte
	jn := 0
	flush := func() {
		if jn > 0 {
			m.runConcepts(join[:jn], fs)
			jn = 0
		}
	}
	for rest := folded; rest != "" && !fs.full(); {
		var tok string
		if i := strings.IndexByte(rest, ' '); i >= 0 {
			tok, rest = rest[:i], rest[i+1:]
		} else {
			tok, rest = rest, ""
		}
		// A word may mix scripts ("dc에"): cut it into runs.
		for tok != "" {
			r, _ := utf8.DecodeRuneInString(tok)
			sl := spaceless(r)
			end := len(tok)
			for i, r := range tok {
				if spaceless(r) != sl {
					end = i
					break
				}
			}
			run := tok[:end]
			tok = tok[end:]
			if sl {
				m.ngrams(run, fs, learn)
				if jn+len(run) <= len(join) {
					jn += copy(join[jn:], run)
				}
				prev, prev2 = "", ""
				continue
			}
			flush()
			// The spelling map may give several words ("bc" → "because"),
			// or a word of another script (Amharic in Latin letters).
			for exp := m.expand(run); exp != ""; {
				part := exp
				if i := strings.IndexByte(exp, ' '); i >= 0 {
					part, exp = exp[:i], exp[i+1:]
				} else {
					exp = ""
				}
				if r, _ := utf8.DecodeRuneInString(part); spaceless(r) {
					m.ngrams(part, fs, learn)
					m.runConcepts([]byte(part), fs)
					prev, prev2 = "", ""
					continue
				}
				word(part)
			}
		}
	}
	flush()
}

// runConcepts looks up every run of up to conceptRun characters of b
// (text without spaces) among the concepts and marks.
func (m *langModel) runConcepts(b []byte, fs *featSet) {
	if m.conceptRun == 0 {
		return
	}
	var rs [257]int
	n := 0
	for i := 0; i < len(b) && n < len(rs)-1; {
		rs[n] = i
		n++
		_, size := utf8.DecodeRune(b[i:])
		i += size
	}
	end := len(b)
	if n == len(rs)-1 {
		end = rs[n-1]
		n--
	}
	rs[n] = end
	const prime = 1099511628211
	start := fnvStart('c')
	for i := 0; i < n; i++ {
		// The hash of b[rs[i]:rs[i+k]] grows a character at a time.
		h := start
		for k := 1; k <= m.conceptRun && i+k <= n; k++ {
			for _, c := range b[rs[i+k-1]:rs[i+k]] {
				h = (h ^ uint64(c)) * prime
			}
			key := finish(h, 'c')
			if k == 1 && !m.firsts.has(key) {
				break // no concept word starts with this character
			}
			if k == 2 && !m.starts.has(key) {
				break // no concept word starts with these two characters
			}
			if c, ok := m.concept(key); ok {
				fs.marks |= c.marks
				for _, f := range c.feats {
					fs.add(f)
				}
			}
		}
	}
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
func (m *langModel) ngrams(run string, fs *featSet, learn bool) {
	var rs [65]int // byte offsets of rune starts
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
		if m.consonants && learn {
			// The consonants of the phrases' words, for words written in
			// Latin letters to meet (see consonantRuns); a message in
			// Ethiopic letters is read by its letters as before.
			var cs [64]byte
			k := 0
			for i := 0; i < n && k < len(cs); i++ {
				r, _ := utf8.DecodeRuneInString(run[rs[i]:])
				if c := ethiopicConsonant(r); c != 0 && (k == 0 || cs[k-1] != c) {
					cs[k] = c
					k++
				}
			}
			consonantRuns(cs[:k], fs)
		}
		fs.add(hashFeat('e', run[:rs[min(n, 3)]], "")) // the word's first letters: a rough stem
		if n < 2 {
			fs.add(hashFeat('c', run, ""))
		}
	}
	const prime = 1099511628211
	for i := 0; i < n; i++ {
		// hashFeat('c', run[rs[i]:rs[i+k]], ""), a character at a time.
		h := fnvStart('c')
		for k := 1; k <= hi && i+k <= n; k++ {
			for j := rs[i+k-1]; j < rs[i+k]; j++ {
				h = (h ^ uint64(run[j])) * prime
			}
			if k >= lo {
				fs.add(finish(h, 'c'))
			}
		}
	}
}

// consonantRuns adds the runs of two and three consonants of a word, given
// as its consonant classes (ethiopicConsonant, latinConsonants).
func consonantRuns(cs []byte, fs *featSet) {
	if len(cs) == 1 {
		fs.add(hashBytes('s', cs))
	}
	for i := 0; i+1 < len(cs); i++ {
		fs.add(hashBytes('s', cs[i:i+2]))
		if i+2 < len(cs) {
			fs.add(hashBytes('s', cs[i:i+3]))
		}
	}
}

// ethiopicSeries is the consonant class of each series of eight Ethiopic
// letters from U+1200 (0: no consonant, or none Amharic uses). The letters
// romanised Amharic writes alike share a class: the ejectives with their
// plain sounds (ጠ ተ: t, ቀ ከ ኸ: k, ጨ ቸ: c, ጰ ፐ: p), ሀ ሐ ኀ (h), ሰ ሠ (s),
// ጸ ፀ (T); አ and ዐ, a vowel in Latin letters, have none.
var ethiopicSeries = [...]byte{
	'h', 'l', 'h', 'm', 's', 'r', 's', 'S', // ሀ ለ ሐ መ ሠ ረ ሰ ሸ
	'k', 'k', 'k', 'k', 'b', 'b', 't', 'c', // ቀ ቈ ቐ ቘ በ ቨ ተ ቸ
	'h', 'h', 'n', 'N', 0, 'k', 'k', 'k', // ኀ ኈ ነ ኘ አ ከ ኰ ኸ
	'k', 'w', 0, 'z', 'Z', 'y', 'd', 'd', // ዀ ወ ዐ ዘ ዠ የ ደ ዸ
	'j', 'g', 'g', 'g', 't', 'c', 'p', 'T', // ጀ ገ ጐ ጘ ጠ ጨ ጰ ጸ
	'T', 'f', 'p', // ፀ ፈ ፐ
}

// ethiopicConsonant is the consonant class of Ethiopic letter r (0: none).
func ethiopicConsonant(r rune) byte {
	if r < 0x1200 || r >= 0x1200+8*rune(len(ethiopicSeries)) {
		return 0
	}
	return ethiopicSeries[(r-0x1200)/8]
}

// latinConsonants writes the consonant classes of w, a word of romanised
// Amharic, to cs, as ethiopicConsonant gives them for the same word in
// Ethiopic letters: vowels dropped, sh ch ts zh ny gn kh as one consonant
// each, q as k, v as b, a doubled consonant (gemination) once.
func latinConsonants(w string, cs *[64]byte) []byte {
	k := 0
	for i := 0; i < len(w) && k < len(cs); i++ {
		c := w[i]
		var next byte
		if i+1 < len(w) {
			next = w[i+1]
		}
		var cl byte
		switch {
		case c == 's' && next == 'h':
			cl, i = 'S', i+1
		case c == 'c' && next == 'h':
			cl, i = 'c', i+1
		case c == 't' && (next == 's' || next == 'z'):
			cl, i = 'T', i+1
		case c == 'z' && next == 'h':
			cl, i = 'Z', i+1
		case (c == 'n' && next == 'y') || (c == 'g' && next == 'n'):
			cl, i = 'N', i+1
		case c == 'k' && next == 'h', c == 'q', c == 'k', c == 'c', c == 'x':
			if next == 'h' {
				i++
			}
			cl = 'k'
		case c == 'v', c == 'b':
			cl = 'b'
		case c == 'p' && next == 'h':
			cl, i = 'f', i+1
		case strings.IndexByte("dfghjlmnprstwyz", c) >= 0:
			cl = c
		}
		if cl != 0 && (k == 0 || cs[k-1] != cl) {
			cs[k] = cl
			k++
		}
	}
	return cs[:k]
}

// buildConcepts reads the concepts of d, and of en for words residents
// mix in from English, into m.concepts.
func (m *langModel) buildConcepts(d, en *locales.MatchData) {
	m.concepts = map[uint64]conceptHit{}
	for i, src := range []*locales.MatchData{d, en} {
		if src == nil || (i == 1 && m.lang == locales.English) {
			continue
		}
		for name, words := range src.Concepts {
			c := hashFeat('k', name, "")
			for _, w := range words {
				if key, ok := m.lookupKey(w); ok {
					hit := m.concepts[key]
					if !slices.Contains(hit.feats, c) {
						hit.feats = append(hit.feats, c)
					}
					m.concepts[key] = hit
				}
			}
		}
	}
}

// mark makes word w set marks when a text has it. It reports whether w
// could be marked (it is not empty once folded).
func (m *langModel) mark(w string, marks uint64) bool {
	key, ok := m.lookupKey(w)
	if !ok {
		return false
	}
	hit := m.concepts[key]
	hit.marks |= marks
	m.concepts[key] = hit
	return true
}

// lookupKey is the feature that finds word or phrase w in a text, cut as
// a text is: a run of characters in scripts without spaces (anywhere in a
// word; an Ethiopic word of ethiopicTrimMin letters or more without its
// last), else the stem of one word, a pair of stems or the last three.
func (m *langModel) lookupKey(w string) (uint64, bool) {
	f := m.fold(w)
	if f == "" {
		return 0, false
	}
	if r, _ := utf8.DecodeRuneInString(f); spaceless(r) {
		f = strings.ReplaceAll(f, " ", "")
		if rs := []rune(f); len(rs) >= ethiopicTrimMin && unicode.Is(unicode.Ethiopic, rs[0]) {
			// The last letter of an Amharic word takes the vowel of the
			// suffix after it (ማኔጀር, ማኔጀሩ "the manager"; ሃይማኖት,
			// ሃይማኖቴ "my religion"): a word of ethiopicTrimMin letters
			// or more is found by the letters before its last.
			f = string(rs[:len(rs)-1])
		}
		m.conceptRun = max(m.conceptRun, min(utf8.RuneCountInString(f), 8))
		rs := []rune(f)
		m.conceptFirsts[hashFeat('c', string(rs[:1]), "")] = true
		if len(rs) >= 2 {
			m.conceptStarts[hashFeat('c', string(rs[:2]), "")] = true
		}
		return hashFeat('c', f, ""), true
	}
	var st []string
	for _, part := range strings.Fields(f) {
		for _, p := range strings.Fields(m.expand(part)) {
			st = append(st, m.stem(p, true))
		}
	}
	switch len(st) {
	case 0:
		return 0, false
	case 1:
		return hashFeat('w', st[0], ""), true
	case 2:
		return hashFeat('b', st[0], st[1]), true
	}
	return hashFeat3('t', st[len(st)-3], st[len(st)-2], st[len(st)-1]), true
}

// fold is locales.MatchFold with the language's elided words.
func (m *langModel) fold(s string) string { return locales.MatchFoldElided(s, m.elided) }

func (m *langModel) stem(w string, learn bool) string {
	if s, ok := m.stems[w]; ok {
		return s
	}
	if len(w) <= 3 {
		return w // Snowball leaves words this short as they are
	}
	if !learn && !m.stemStarts[prefix3(w)] {
		// No known stem starts like this word, so its stem could not
		// meet one: Snowball's work (the costly part of a long story)
		// would change nothing.
		return w
	}
	if m.stemmer == nil {
		return w
	}
	if learn {
		s := m.stemmer(w, false)
		m.stems[w] = s
		return s
	}
	// Words the model was not built with are stemmed once and kept, up
	// to stemCacheMax of them: Snowball allocates for every word, and
	// residents' words repeat.
	if s, ok := m.stemCache.Load(w); ok {
		return s.(string)
	}
	s := m.stemmer(w, false)
	if m.stemCacheLen.Add(1) <= stemCacheMax {
		m.stemCache.Store(strings.Clone(w), s)
	}
	return s
}

func prefix3(w string) [3]byte {
	var p [3]byte
	copy(p[:], w)
	return p
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
	// The low bits say the kind, so that weights can depend on it.
	return h&^7 | kindCode(kind)
}

func kindCode(kind byte) uint64 {
	switch kind {
	case 'w':
		return 1
	case 'b':
		return 2
	case 'p':
		return 3
	case 'c':
		return 4
	case 'e':
		return 5
	case 'k':
		return 6
	case 's':
		return 7
	}
	return 0
}

// kindWeight scales the weights of a feature of each kind.
func kindWeight(h uint64) float64 {
	switch h & 7 {
	case 2:
		return bigramWeight
	case 3:
		return prefixWeight
	case 4, 5:
		return ngramWeight
	case 6:
		return conceptWeight
	case 7:
		return skelWeight
	}
	return 1
}

// fnvStart is the FNV-1a state after the kind byte.
func fnvStart(kind byte) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	return (offset ^ uint64(kind)) * prime
}

// finish sets the low bits of an FNV-1a state to the feature's kind.
func finish(h uint64, kind byte) uint64 { return h&^7 | kindCode(kind) }

// hashBytes is hashFeat(kind, string(b), "") without the string.
func hashBytes(kind byte, b []byte) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	h = (h ^ uint64(kind)) * prime
	for _, c := range b {
		h = (h ^ uint64(c)) * prime
	}
	return h&^7 | kindCode(kind)
}

// hashFeat3 is hashFeat over three strings.
func hashFeat3(kind byte, a, b, c string) uint64 {
	const prime = 1099511628211
	h := hashFeat(kind, a, b)
	h = (h ^ ' ') * prime
	for i := 0; i < len(c); i++ {
		h = (h ^ uint64(c[i])) * prime
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
