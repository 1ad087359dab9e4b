package locales

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/BurntSushi/toml"
)

// DetectDir is the folder of the detection data in the catalog's folder:
// one file a language (es.toml) and shared.toml, explained at its head.
const DetectDir = "detect"

const detectSharedFile = "shared.toml"

// Detection is what a first message tells of its language.
type Detection struct {
	// Lang is the language, when Sure.
	Lang Lang
	Sure bool
	// Offer lists the languages to offer with one short question when the
	// text points to them without deciding: the languages of one script
	// when no character tells them apart (Simplified and Traditional
	// Chinese for "您好"), a language with a script of its own greeted in
	// Latin letters (Amharic for "selam", Korean for "annyeong").
	Offer []Lang
}

// Detect guesses the language of a first message among the embedded
// languages; see Catalog.DetectLang.
func Detect(text string) (Lang, bool) {
	d := DetectLang(text)
	return d.Lang, d.Sure
}

// DetectLang is Catalog.DetectLang for the embedded languages and
// detection data.
func DetectLang(text string) Detection { return embeddedDetector().detect(text) }

var embeddedDetector = sync.OnceValue(func() *detector {
	d, err := readDetector(files, embedded, true)
	if err != nil {
		panic(err)
	}
	return d
})

// Detect guesses the language of a first message; see DetectLang.
func (c *Catalog) Detect(text string) (Lang, bool) {
	d := c.DetectLang(text)
	return d.Lang, d.Sure
}

// DetectLang reads the language of a first message from the catalog's
// languages (languages.toml) and detection data (detect/*.toml). The
// script decides first: a script one language is written in is that
// language (Hangul, Ethiopic, or the Cyrillic of a language added in
// data); a script several are written in (Han) is told apart by the
// characters each file lists (Simplified or Traditional, Cantonese
// counting as Traditional), and with none of them the languages are
// offered; letters only one Latin-script language uses (Vietnamese ă đ ơ
// ư) decide. Other Latin text is scored by letters and words that belong
// to one language, with or without accents ("ñ", "hola", "bonjour",
// "chào", "landlord"); words of a language with its own script written in
// Latin letters offer that language. Short words several languages share
// ("si", "ok", "alo") never decide. It is not sure when it cannot tell,
// when two languages score the same, or for a language not spoken here
// that shares a script ("こんにちは"); the caller then asks, and the person
// can always reply LANGUAGE.
func (c *Catalog) DetectLang(text string) Detection { return c.det.detect(text) }

// detectHints is one language's detection file.
type detectHints struct {
	Letters   string   `toml:"letters"`
	Marks     string   `toml:"marks"`
	Chars     string   `toml:"chars"`
	Words     []string `toml:"words"`
	Accented  []string `toml:"accented"`
	Romanised []string `toml:"romanised"`
}

// detector is a catalog's detection data, compiled.
type detector struct {
	order []Lang // the catalog's languages, in menu order: ties go to neither
	// scripts are the scripts other than Latin the languages are written
	// in, each with its languages.
	scripts []detectScript
	foreign []detectForeign
	// letters count 1 for their language; marks decide; chars tell the
	// languages of one script apart.
	letters, marks, chars map[rune]Lang
	// words count 2; accented count 2 only when written with accents;
	// romanised offer their language.
	words, accented, romanised map[string]Lang
	romanisedLangs             []Lang
	shared                     map[string]bool
	// sameChar maps the chars of a script's later languages to the first
	// language's at the same position (Traditional to Simplified), for
	// MatchFold.
	sameChar map[rune]rune
}

type detectScript struct {
	table *unicode.RangeTable
	langs []Lang
}

type detectForeign struct {
	tables []*unicode.RangeTable
	with   *unicode.RangeTable
}

// readDetector reads fsys's detection data for langs. With no detection
// file in fsys it reads the embedded data, leaving out the hints of
// languages langs does not have (a catalog of fewer languages, in tests).
func readDetector(fsys fs.FS, langs []*Language, embeddedData bool) (*detector, error) {
	names, err := fs.Glob(fsys, path.Join(DetectDir, "*.toml"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 && !embeddedData {
		fsys, embeddedData = files, true
		if names, err = fs.Glob(fsys, path.Join(DetectDir, "*.toml")); err != nil {
			return nil, err
		}
	}
	d := &detector{
		letters: map[rune]Lang{}, marks: map[rune]Lang{}, chars: map[rune]Lang{},
		words: map[string]Lang{}, accented: map[string]Lang{}, romanised: map[string]Lang{},
		shared: map[string]bool{}, sameChar: map[rune]rune{},
	}
	charsOf := map[Lang][]rune{}
	for _, l := range langs {
		d.order = append(d.order, l.Code)
		if l.Script == "Latin" {
			continue
		}
		i := slices.IndexFunc(d.scripts, func(s detectScript) bool { return s.table == l.script })
		if i < 0 {
			d.scripts = append(d.scripts, detectScript{table: l.script})
			i = len(d.scripts) - 1
		}
		d.scripts[i].langs = append(d.scripts[i].langs, l.Code)
	}
	var errs []error
	for _, name := range names {
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		fail := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("locales: %s: %s", name, fmt.Sprintf(format, args...)))
		}
		if path.Base(name) == detectSharedFile {
			d.readShared(buf, fail)
			continue
		}
		code := Lang(strings.TrimSuffix(path.Base(name), ".toml"))
		lang, ok := find(langs, code)
		if !ok {
			if !embeddedData {
				fail("%s is not a language of %s", code, LanguagesFile)
			}
			continue
		}
		var h detectHints
		md, err := toml.Decode(string(buf), &h)
		if err != nil {
			fail("%v", err)
			continue
		}
		if und := md.Undecoded(); len(und) > 0 {
			fail("unknown field %s", und[0])
			continue
		}
		runes := func(m map[rune]Lang, field, s string) {
			for _, r := range s {
				if other, dup := m[r]; dup && other != code {
					fail("%s: %q is also %s's", field, r, other)
				}
				m[r] = code
			}
		}
		runes(d.letters, "letters", h.Letters)
		runes(d.marks, "marks", h.Marks)
		runes(d.chars, "chars", h.Chars)
		charsOf[code] = []rune(h.Chars)
		if seen := map[rune]bool{}; true {
			for _, r := range h.Chars {
				if seen[r] {
					fail("chars: %q twice (each position pairs with the other form)", r)
				}
				seen[r] = true
			}
		}
		strs := func(m map[string]Lang, field string, ws []string) {
			for _, w := range ws {
				if w != strings.ToLower(w) || strings.TrimSpace(w) != w || w == "" {
					fail("%s: %q: write words in lower case, without spaces around", field, w)
				}
				if other, dup := m[w]; dup && other != code {
					fail("%s: %q is also %s's: a word two languages use is neither's (or shared.toml's)", field, w, other)
				}
				m[w] = code
			}
		}
		strs(d.words, "words", h.Words)
		strs(d.accented, "accented", h.Accented)
		strs(d.romanised, "romanised", h.Romanised)
		if len(h.Chars) > 0 && !slices.ContainsFunc(d.scripts, func(s detectScript) bool { return s.table == lang.script && len(s.langs) > 1 }) {
			fail("chars tell apart the languages of one script; %s is the only language written in %s", code, lang.Script)
		}
		if len(h.Romanised) > 0 {
			if lang.Script == "Latin" {
				fail("romanised: %s is written in Latin letters already", code)
			}
			d.romanisedLangs = append(d.romanisedLangs, code)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, s := range d.scripts {
		first := charsOf[s.langs[0]]
		for _, l := range s.langs[1:] {
			for i, r := range charsOf[l] {
				if i < len(first) {
					d.sameChar[r] = first[i]
				}
			}
		}
	}
	// Offer romanised languages in menu order.
	slices.SortStableFunc(d.romanisedLangs, func(a, b Lang) int { return slices.Index(d.order, a) - slices.Index(d.order, b) })
	return d, nil
}

func (d *detector) readShared(buf []byte, fail func(string, ...any)) {
	var doc struct {
		Words   []string `toml:"words"`
		Foreign []struct {
			Scripts []string `toml:"scripts"`
			With    string   `toml:"with"`
		} `toml:"foreign"`
	}
	md, err := toml.Decode(string(buf), &doc)
	if err != nil {
		fail("%v", err)
		return
	}
	if und := md.Undecoded(); len(und) > 0 {
		fail("unknown field %s", und[0])
		return
	}
	for _, w := range doc.Words {
		d.shared[w] = true
	}
	for _, f := range doc.Foreign {
		var df detectForeign
		for _, s := range append(slices.Clone(f.Scripts), f.With) {
			if unicode.Scripts[s] == nil {
				fail("foreign: %q is not a Unicode script name", s)
				return
			}
		}
		for _, s := range f.Scripts {
			df.tables = append(df.tables, unicode.Scripts[s])
		}
		df.with = unicode.Scripts[f.With]
		d.foreign = append(d.foreign, df)
	}
}

func (d *detector) detect(text string) Detection {
	scriptN := make([]int, len(d.scripts))
	foreignN := make([]int, len(d.foreign))
	score := map[Lang]int{}
	var charN, markN map[Lang]int
	for _, r := range text {
		if i := d.scriptOf(r); i >= 0 {
			scriptN[i]++
			if l, ok := d.chars[r]; ok {
				if charN == nil {
					charN = map[Lang]int{}
				}
				charN[l]++
			}
			continue
		}
		if i := d.foreignOf(r); i >= 0 {
			foreignN[i]++
			continue
		}
		lr := unicode.ToLower(r)
		if l, ok := d.marks[lr]; ok {
			if markN == nil {
				markN = map[Lang]int{}
			}
			markN[l]++
		} else if l, ok := d.letters[lr]; ok {
			score[l]++
		}
	}
	// The script with the most letters decides; of two as many, the one
	// fewer languages share (Hangul over Han).
	best := -1
	for i, s := range d.scripts {
		if scriptN[i] == 0 {
			continue
		}
		if best < 0 || scriptN[i] > scriptN[best] || (scriptN[i] == scriptN[best] && len(s.langs) < len(d.scripts[best].langs)) {
			best = i
		}
	}
	for i, f := range d.foreign {
		if foreignN[i] > 0 && (best < 0 || d.scripts[best].table == f.with) {
			return Detection{} // Japanese: not a language spoken here
		}
	}
	if best >= 0 {
		s := d.scripts[best]
		if len(s.langs) == 1 {
			return Detection{Lang: s.langs[0], Sure: true}
		}
		if l, ok := d.top(charN, s.langs); ok {
			return Detection{Lang: l, Sure: true}
		}
		return Detection{Offer: slices.Clone(s.langs)}
	}
	if l, ok := d.top(markN, d.order); ok {
		return Detection{Lang: l, Sure: true}
	}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && r != '\'' && r != '’'
	})
	onlyShared := len(words) > 0
	var roman map[Lang]int
	for _, w := range words {
		w = strings.Trim(strings.ReplaceAll(w, "’", "'"), "'")
		f := MatchFold(w)
		if !d.shared[f] {
			onlyShared = false
		}
		if l, ok := d.words[w]; ok {
			score[l] += 2
		} else if l, ok := d.accented[f]; ok && f != w {
			score[l] += 2
		}
		if l, ok := d.romanised[f]; ok {
			if roman == nil {
				roman = map[Lang]int{}
			}
			roman[l] += 2
		}
	}
	if onlyShared {
		return Detection{}
	}
	lang, ok := d.top(score, d.order)
	for _, l := range d.romanisedLangs {
		if n := roman[l]; n > 0 && n >= score[lang] {
			return Detection{Offer: []Lang{l}}
		}
	}
	if !ok {
		return Detection{}
	}
	return Detection{Lang: lang, Sure: true}
}

// top returns the language of langs with the highest count, if one has
// more than every other.
func (d *detector) top(n map[Lang]int, langs []Lang) (Lang, bool) {
	best, bestN, tie := Lang(""), 0, false
	for _, l := range langs {
		switch c := n[l]; {
		case c > bestN:
			best, bestN, tie = l, c, false
		case c == bestN && c > 0:
			tie = true
		}
	}
	return best, bestN > 0 && !tie
}

func (d *detector) scriptOf(r rune) int {
	if r < 0x80 {
		return -1 // ASCII: Latin, digits, punctuation
	}
	for i, s := range d.scripts {
		if unicode.Is(s.table, r) {
			return i
		}
	}
	return -1
}

func (d *detector) foreignOf(r rune) int {
	if r < 0x80 {
		return -1
	}
	for i, f := range d.foreign {
		for _, t := range f.tables {
			if unicode.Is(t, r) {
				return i
			}
		}
	}
	return -1
}
