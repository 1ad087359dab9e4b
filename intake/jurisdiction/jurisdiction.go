// Package jurisdiction maps a ZIP code or a place name to the jurisdiction
// whose law and agencies apply: a city with its own human-rights law (DC,
// Eugene, Pittsburgh, Mountain View), a state (Hawaii, Oregon,
// Pennsylvania, California), or federal law everywhere else.
//
// The mapping is data (jurisdictions.yaml, embedded). ZIP codes do not
// follow city lines, so a lookup is a best guess that the resident confirms.
package jurisdiction

import (
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Well-known jurisdiction IDs.
const (
	Federal    = "federal"
	DC         = "dc"
	Eugene     = "eugene-or"
	Pittsburgh = "pittsburgh-pa"
	// Allegheny is Allegheny County outside the City of Pittsburgh.
	Allegheny    = "allegheny-pa"
	MountainView = "mountain-view-ca"
	Hawaii       = "hi"
	Oregon       = "or"
	Pennsylvania = "pa"
	California   = "ca"
)

// Jurisdiction is a place whose law decides a resident's protections and
// where a complaint goes.
type Jurisdiction struct {
	// ID is the stable slug stored in conversations and reports ("dc").
	ID string
	// Name is the English name ("Washington, DC"); residents see the
	// translated name from their language's content messages.
	Name string
	// Parent is the next wider jurisdiction ("or" for Eugene, "federal"
	// for a state); empty only for federal.
	Parent string
	// Traits are the protected-trait slugs of the local list in
	// shared/facts.md, each with a message `trait.<slug>` in every
	// language. A place without its own list carries its parent's.
	Traits []string
}

// TraitMessageID is the catalog message naming a protected trait.
func TraitMessageID(slug string) string { return "trait." + slug }

//go:embed jurisdictions.yaml
var dataFile []byte

type entry struct {
	ID     string   `yaml:"id"`
	Name   string   `yaml:"name"`
	Parent string   `yaml:"parent"`
	Traits []string `yaml:"traits"`
	Names  []string `yaml:"names"`
	ZIPs   []string `yaml:"zips"`
	// MixedZIPs are ZIP codes partly inside this city: Lookup gives the
	// wider jurisdiction of their range and CityLineOf names this city, so
	// the flow asks the resident which side they are on.
	MixedZIPs []string `yaml:"mixed_zips"`
}

// stateEntry is a state named by postal abbreviation or full name.
type stateEntry struct {
	ID    string   `yaml:"id"`
	Abbr  []string `yaml:"abbr"`
	Names []string `yaml:"names"`
}

type zipRange struct {
	lo, hi int
	id     string
}

type placeName struct {
	name string // folded
	id   string
}

type table struct {
	order      []string
	byID       map[string]Jurisdiction
	ranges     []zipRange        // narrowest first
	names      []placeName       // longest first
	mixed      map[string]string // ZIP → the city it is partly inside
	stateAbbr  map[string]string // "OR" → "or"; other states → federal
	stateNames []placeName       // "oregon", "maine"
}

var data = mustParse(dataFile)

func mustParse(buf []byte) *table {
	t, err := parse(buf)
	if err != nil {
		panic("jurisdiction: jurisdictions.yaml: " + err.Error())
	}
	return t
}

// parse reads and checks the data file: unique IDs, known parents, well
// formed ranges, and traits inherited from the parent when a place has no
// list of its own.
func parse(buf []byte) (*table, error) {
	var doc struct {
		Jurisdictions []entry      `yaml:"jurisdictions"`
		States        []stateEntry `yaml:"states"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(buf)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	t := &table{byID: map[string]Jurisdiction{}, mixed: map[string]string{}, stateAbbr: map[string]string{}}
	entries := map[string]entry{}
	for _, e := range doc.Jurisdictions {
		if e.ID == "" || e.Name == "" {
			return nil, fmt.Errorf("an entry lacks id or name")
		}
		if _, dup := entries[e.ID]; dup {
			return nil, fmt.Errorf("id %q twice", e.ID)
		}
		entries[e.ID] = e
		t.order = append(t.order, e.ID)
	}
	if _, ok := entries[Federal]; !ok {
		return nil, fmt.Errorf("the %q fallback is missing", Federal)
	}
	var traitsOf func(id string, depth int) ([]string, error)
	traitsOf = func(id string, depth int) ([]string, error) {
		e, ok := entries[id]
		if !ok {
			return nil, fmt.Errorf("unknown parent %q", id)
		}
		if len(e.Traits) > 0 || e.Parent == "" {
			return e.Traits, nil
		}
		if depth > len(entries) {
			return nil, fmt.Errorf("parent loop at %q", id)
		}
		return traitsOf(e.Parent, depth+1)
	}
	for _, id := range t.order {
		e := entries[id]
		if e.Parent == "" && id != Federal {
			return nil, fmt.Errorf("%q needs a parent", id)
		}
		traits, err := traitsOf(id, 0)
		if err != nil {
			return nil, err
		}
		t.byID[id] = Jurisdiction{ID: id, Name: e.Name, Parent: e.Parent, Traits: traits}
		for _, r := range e.ZIPs {
			a, b, ok := parseRange(r)
			if !ok {
				return nil, fmt.Errorf("%s: bad zip range %q", id, r)
			}
			t.ranges = append(t.ranges, zipRange{lo: a, hi: b, id: id})
		}
		for _, z := range e.MixedZIPs {
			if a, b, ok := parseRange(z); !ok || a != b {
				return nil, fmt.Errorf("%s: bad mixed zip %q (one ZIP each)", id, z)
			}
			if prev, dup := t.mixed[z]; dup {
				return nil, fmt.Errorf("mixed zip %s in %s and %s", z, prev, id)
			}
			t.mixed[z] = id
		}
		for _, n := range e.Names {
			if f := foldName(n); f != "" {
				t.names = append(t.names, placeName{name: f, id: id})
			}
		}
	}
	for z, city := range t.mixed {
		if n, _ := strconv.Atoi(z); t.lookupZIPNumber(n).ID == city {
			return nil, fmt.Errorf("mixed zip %s is also in a range of %s: a mixed ZIP must fall to the wider place", z, city)
		}
	}
	for _, st := range doc.States {
		if _, ok := t.byID[st.ID]; !ok {
			return nil, fmt.Errorf("state %v: unknown jurisdiction %q", st.Abbr, st.ID)
		}
		for _, a := range st.Abbr {
			if len(a) != 2 || strings.ToUpper(a) != a {
				return nil, fmt.Errorf("state abbreviation %q: two capital letters", a)
			}
			if _, dup := t.stateAbbr[a]; dup {
				return nil, fmt.Errorf("state abbreviation %q twice", a)
			}
			t.stateAbbr[a] = st.ID
		}
		for _, n := range st.Names {
			t.stateNames = append(t.stateNames, placeName{name: foldName(n), id: st.ID})
		}
	}
	sort.SliceStable(t.ranges, func(i, j int) bool {
		return t.ranges[i].hi-t.ranges[i].lo < t.ranges[j].hi-t.ranges[j].lo
	})
	sort.SliceStable(t.names, func(i, j int) bool { return len(t.names[i].name) > len(t.names[j].name) })
	return t, nil
}

// Lookup finds the jurisdiction of a ZIP code (also ZIP+4, or a ZIP inside
// a sentence such as "my zip is 20001") or of a place name in any of the
// supported languages ("Pittsburgh", "华盛顿", "워싱턴 DC"). A ZIP outside
// every listed range is federal. It returns false when the text holds
// neither a ZIP nor a known place.
func Lookup(zipOrCity string) (Jurisdiction, bool) {
	if zip, ok := FindZIP(zipOrCity); ok {
		return data.lookupZIP(zip), true
	}
	folded := foldName(zipOrCity)
	if folded == "" {
		return Jurisdiction{}, false
	}
	state, stated := data.namedState(zipOrCity, folded)
	id, ok := data.lookupName(folded, state)
	switch {
	case ok:
		return data.byID[id], true
	case stated:
		return data.byID[state], true
	}
	return Jurisdiction{}, false
}

// CityLineOf reports whether zip crosses the line of a city with its own
// commission, and which: for "15235" it returns "pittsburgh-pa". Lookup
// gives such a ZIP the wider place (Allegheny County), and the flow asks
// the resident whether they are inside the city.
func CityLineOf(zip string) (city string, ok bool) {
	city, ok = data.mixed[zip]
	return city, ok
}

// namedState finds a state named in the text: a postal abbreviation as the
// last word after a place, written in capitals or after a comma
// ("Springfield OR", "hilo, hi"), or a state's full name ("Portland,
// Maine"). It returns the state's jurisdiction ID (federal for states
// without their own).
func (t *table) namedState(raw, folded string) (string, bool) {
	words := strings.Fields(folded)
	if len(words) >= 2 {
		last := strings.ToUpper(words[len(words)-1])
		if id, ok := t.stateAbbr[last]; ok {
			trimmed := strings.TrimRight(raw, " .!?")
			capitals := strings.HasSuffix(trimmed, last)
			afterComma := strings.HasSuffix(strings.TrimRight(strings.TrimSuffix(strings.ToUpper(trimmed), last), " "), ",")
			if capitals || afterComma {
				return id, true
			}
		}
	}
	for _, n := range t.stateNames {
		if _, ok := findName(folded, n.name); ok {
			return n.id, true
		}
	}
	return "", false
}

// lookupName finds the place named in folded text. A match inside a longer
// match is dropped ("华盛顿" inside "华盛顿州", the state), and so is a place
// outside the state the text names, when it names one ("Portland, Maine");
// of the rest the narrowest place wins ("Eugene, Oregon" is Eugene), then
// the longest name.
func (t *table) lookupName(folded, state string) (string, bool) {
	type match struct {
		start, end, depth int
		id                string
	}
	var found []match
	for _, n := range t.names {
		if start, ok := findName(folded, n.name); ok {
			found = append(found, match{start: start, end: start + len(n.name), depth: len(Chain(n.id)), id: n.id})
		}
	}
	best := -1
	for i, m := range found {
		inside := false
		for j, o := range found {
			if j != i && o.start <= m.start && m.end <= o.end && o.end-o.start > m.end-m.start {
				inside = true
				break
			}
		}
		if inside || (state != "" && !inState(m.id, state)) {
			continue
		}
		if best < 0 || m.depth > found[best].depth || (m.depth == found[best].depth && m.end-m.start > found[best].end-found[best].start) {
			best = i
		}
	}
	if best < 0 {
		return "", false
	}
	return found[best].id, true
}

// parseRange reads "15213" or "15200-15299".
func parseRange(r string) (lo, hi int, ok bool) {
	a, b, dash := strings.Cut(r, "-")
	if !dash {
		b = a
	}
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || len(a) != 5 || len(b) != 5 || x > y {
		return 0, 0, false
	}
	return x, y, true
}

func (t *table) lookupZIP(zip string) Jurisdiction {
	n, _ := strconv.Atoi(zip)
	return t.lookupZIPNumber(n)
}

// lookupZIPNumber takes the narrowest range holding n (a city's ZIPs win
// over its county's and its state's).
func (t *table) lookupZIPNumber(n int) Jurisdiction {
	best := -1
	for i, r := range t.ranges {
		if n >= r.lo && n <= r.hi && (best < 0 || r.hi-r.lo < t.ranges[best].hi-t.ranges[best].lo) {
			best = i
		}
	}
	if best >= 0 {
		return t.byID[t.ranges[best].id]
	}
	return t.byID[Federal]
}

// inState reports whether place id lies in state: its chain holds the
// state, or, for a state without its own jurisdiction (federal), the
// place is federal too.
func inState(id, state string) bool {
	if state == Federal {
		return id == Federal
	}
	for _, j := range Chain(id) {
		if j.ID == state {
			return true
		}
	}
	return false
}

// ByID returns the jurisdiction with the given ID.
func ByID(id string) (Jurisdiction, bool) {
	j, ok := data.byID[id]
	return j, ok
}

// All lists every jurisdiction in the data file's order (federal first).
func All() []Jurisdiction {
	out := make([]Jurisdiction, 0, len(data.order))
	for _, id := range data.order {
		out = append(out, data.byID[id])
	}
	return out
}

// Chain lists the jurisdiction and its parents, narrowest first, ending
// with federal: the agencies a complaint may go to, in order of preference.
func Chain(id string) []Jurisdiction {
	var out []Jurisdiction
	for i := 0; id != "" && i <= len(data.order); i++ {
		j, ok := data.byID[id]
		if !ok {
			break
		}
		out = append(out, j)
		id = j.Parent
	}
	return out
}
