package locales

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	gotoml "github.com/pelletier/go-toml/v2"
)

// The data the free-text matcher is built from, embedded in the binary and
// read once at start-up:
//
//   - match/rules.toml: the tie order of answers and the context rules;
//   - match/<lang>.toml: per language, SMS and common misspellings, word
//     groups for context rules, negative words per answer, date words;
//   - examples/<lang>.toml: example phrases per answer, as residents write
//     them. "tuned" phrases build the matcher; "held_apart" phrases are never
//     used to build or tune it and only measure it.
//
//go:embed match/*.toml examples/*.toml
var understandFiles embed.FS

// MatchRules is match/rules.toml.
type MatchRules struct {
	// Order breaks ties: of two answers with the same score, the one listed
	// first wins. Every answer with a topic must be listed.
	Order []string `toml:"order"`
	Rules []Rule   `toml:"rule"`
	// Settings are groups of answers that share what a text is about and
	// differ by where it happened (the four discrimination answers: a
	// basis, "because of my race", and a setting, work, a shop, the city,
	// housing). See SettingGroup.
	Settings []SettingGroup `toml:"setting"`
}

// SettingGroup is a group of answers told apart by their setting words.
// A feature spread over the group's answers alike (the normalised entropy
// of its shares in their phrases at least Spread: the basis, race,
// religion) weighs the same for all of them, Shrink of the way: it says the
// text is about the group, the setting words (boss, store, permit,
// landlord) say which answer of it.
type SettingGroup struct {
	Answers []string `toml:"answers"`
	Spread  float64  `toml:"spread"`
	Shrink  float64  `toml:"shrink"`
}

// Rule adds Bonus to Topic's score when the text has a word of every group
// in AllOf ("complaint" and "consequence" make retaliation), and takes
// Penalty off it when the text has a word of the first group but not of
// every other one (a complaint alone is not retaliation).
type Rule struct {
	Topic   string   `toml:"topic"`
	AllOf   []string `toml:"all_of"`
	Bonus   float64  `toml:"bonus"`
	Penalty float64  `toml:"penalty"`
}

// MatchData is match/<lang>.toml.
type MatchData struct {
	// Spelling maps a word as residents write it (SMS spellings, common
	// misspellings) to the word the matcher knows. Both sides are folded.
	Spelling map[string]string `toml:"spelling"`
	// Groups are named word lists used by rules.
	Groups map[string][]string `toml:"groups"`
	// Negative lists, per answer, words that count against it ("heat" for
	// job discrimination: "the heat doesn't work").
	Negative map[string][]string `toml:"negative"`
	// Concepts are named word lists whose words stand for one thing
	// ("pests": roaches, rats, mice, bedbugs). Every word of a concept
	// found in a text adds the concept as a feature, whose weight is
	// learnt from the example phrases like any word's: a word no example
	// uses still counts for what its concept means. English concepts
	// also apply in every other language (words mixed in from English).
	Concepts map[string][]string `toml:"concepts"`
	// Elided are the words written elided before an apostrophe (French
	// l', d', j', qu'): the apostrophe after one of them separates two
	// words (locales.MatchFoldElided).
	Elided []string  `toml:"elided"`
	Dates  DateWords `toml:"dates"`
}

// DateWords are the words of free-text dates in one language.
type DateWords struct {
	// Months: 12 entries, January first; each the names and abbreviations.
	Months [][]string `toml:"months"`
	// Weekdays: 7 entries, Sunday first.
	Weekdays [][]string `toml:"weekdays"`
	// Units of "N units ago".
	Day   []string `toml:"day"`
	Week  []string `toml:"week"`
	Month []string `toml:"month"`
	Year  []string `toml:"year"`
	// Ago are the words that make "N units" past ("ago", "hace", "il y a",
	// "trước", "前", "전"); Last the words of "last month", "last Monday".
	Ago  []string `toml:"ago"`
	Last []string `toml:"last"`
	// Numbers: number words, one first ("a", "one"; "un", "una"; "两").
	Numbers [][]string `toml:"numbers"`
	// EthiopianMonths: 13 entries, Meskerem first (Amharic only).
	EthiopianMonths [][]string `toml:"ethiopian_months"`
}

// Examples is examples/<lang>.toml.
type Examples struct {
	Topics []ExampleTopic `toml:"topic"`
}

// ExampleTopic holds the example phrases of one answer.
type ExampleTopic struct {
	State     string   `toml:"state"`
	Tuned     []string `toml:"tuned"`
	HeldApart []string `toml:"held_apart"`
	// HeldApartAdded are held-apart phrases written later, with a batch
	// of new tuned ones (every fourth phrase written, chosen before any
	// was measured). Like HeldApart, never used to build or tune the
	// matcher; reported apart so the first set's figure stays comparable.
	HeldApartAdded []string `toml:"held_apart_added"`
}

// Understanding is all the matcher's data.
type Understanding struct {
	Rules    MatchRules
	Data     map[Lang]*MatchData
	Examples map[Lang]*Examples
}

// LoadUnderstanding reads the embedded matcher data.
func LoadUnderstanding() (*Understanding, error) { return LoadUnderstandingFS(understandFiles) }

// LoadUnderstandingFS reads matcher data from fsys (match/ and examples/).
// A language without files gets empty data: the matcher then uses its
// keyword lists only.
func LoadUnderstandingFS(fsys fs.FS) (*Understanding, error) {
	u := &Understanding{Data: map[Lang]*MatchData{}, Examples: map[Lang]*Examples{}}
	// Every file is decoded on its own goroutine (start-up waits for
	// them); errors are reported in the order the files are listed here.
	type file struct {
		name string
		v    any
		err  error
	}
	files := []*file{{name: "match/rules.toml", v: &u.Rules}}
	for _, l := range All { // the embedded languages; others get empty data
		d, ex := &MatchData{}, &Examples{}
		u.Data[l], u.Examples[l] = d, ex
		files = append(files, &file{name: "match/" + string(l) + ".toml", v: d}, &file{name: "examples/" + string(l) + ".toml", v: ex})
	}
	var wg sync.WaitGroup
	for _, f := range files {
		wg.Go(func() { f.err = decodeStrict(fsys, f.name, f.v) })
	}
	wg.Wait()
	for i, f := range files {
		if f.err != nil && (i == 0 || !isNotExist(f.err)) {
			return nil, f.err
		}
	}
	for _, l := range All {
		d := u.Data[l]
		if n := len(d.Dates.Months); n != 0 && n != 12 {
			return nil, fmt.Errorf("locales: match/%s.toml: dates.months has %d entries; want 12", l, n)
		}
		if n := len(d.Dates.Weekdays); n != 0 && n != 7 {
			return nil, fmt.Errorf("locales: match/%s.toml: dates.weekdays has %d entries; want 7", l, n)
		}
		if n := len(d.Dates.EthiopianMonths); n != 0 && n != 13 {
			return nil, fmt.Errorf("locales: match/%s.toml: dates.ethiopian_months has %d entries; want 13", l, n)
		}
	}
	return u, nil
}

type notExist struct{ error }

func isNotExist(err error) bool { _, ok := err.(notExist); return ok }

func decodeStrict(fsys fs.FS, name string, v any) error {
	buf, err := fs.ReadFile(fsys, name)
	if err != nil {
		if _, statErr := fs.Stat(fsys, name); statErr != nil {
			return notExist{err}
		}
		return err
	}
	return decodeStrictBytes(name, buf, v)
}

// decodeStrictBytes decodes a matcher data file into v, refusing keys v
// has no field for. It uses go-toml (about five times faster than
// BurntSushi/toml, which the tests keep as the reference: the two must
// decode every embedded file alike).
func decodeStrictBytes(name string, buf []byte, v any) error {
	err := gotoml.NewDecoder(bytes.NewReader(buf)).DisallowUnknownFields().Decode(v)
	var strict *gotoml.StrictMissingError
	if errors.As(err, &strict) {
		keys := make([]string, len(strict.Errors))
		for i, e := range strict.Errors {
			keys[i] = strings.Join(e.Key(), ".")
		}
		return fmt.Errorf("locales: %s: unknown keys %s", path.Base(name), strings.Join(keys, ", "))
	}
	if err != nil {
		var de *gotoml.DecodeError
		if errors.As(err, &de) {
			line, col := de.Position()
			return fmt.Errorf("locales: %s: line %d, column %d: %w", name, line, col, err)
		}
		return fmt.Errorf("locales: %s: %w", name, err)
	}
	return nil
}
