package locales

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/BurntSushi/toml"
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
	Dates    DateWords           `toml:"dates"`
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
	if err := decodeStrict(fsys, "match/rules.toml", &u.Rules); err != nil {
		return nil, err
	}
	for _, l := range All { // the embedded languages; others get empty data
		d := &MatchData{}
		if err := decodeStrict(fsys, "match/"+string(l)+".toml", d); err != nil && !isNotExist(err) {
			return nil, err
		}
		u.Data[l] = d
		ex := &Examples{}
		if err := decodeStrict(fsys, "examples/"+string(l)+".toml", ex); err != nil && !isNotExist(err) {
			return nil, err
		}
		u.Examples[l] = ex
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
	md, err := toml.Decode(string(buf), v)
	if err != nil {
		return fmt.Errorf("locales: %s: %w", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return fmt.Errorf("locales: %s: unknown keys %s", path.Base(name), strings.Join(keys, ", "))
	}
	return nil
}
