package flows_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/locales"
)

// The content may give only the phone numbers, e-mail addresses and web
// addresses that the project's fact sheet (shared/facts.md, copied to
// testdata/facts.md) has, each with the month it was reviewed wherever a
// resident reads it. This test extracts every one of them from every
// message in every language, from the routing and flow data and from the
// docs, and checks it against the list parsed from the fact sheet, so a
// new, unsourced number fails CI.

// factsFile is the copy of shared/facts.md the content is checked against.
const factsFile = "testdata/facts.md"

var (
	// phoneRe finds US phone numbers as written in the content and the
	// facts: 1-800-669-9777, (202) 727-4559, 541-682-5177, 800-884-1684.
	phoneRe = regexp.MustCompile(`(?:\b1[-. ])?(?:\(\d{3}\)\s?|\b\d{3}[-. ])\d{3}[-. ]\d{4}\b`)
	// serviceRe finds N-1-1 codes written with dashes (2-1-1).
	serviceRe = regexp.MustCompile(`\b\d-1-1\b`)
	emailRe   = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[a-z]{2,}`)
	// webRe finds web addresses, with or without a scheme: ada.gov,
	// hud.gov/fairhousing/fileacomplaint, pa.gov/en/agencies/phrc.
	webRe = regexp.MustCompile(`(?:https?://)?\b(?:[a-z0-9-]+\.)+(?:gov|org|us|com|net|edu|info)\b(?:/[A-Za-z0-9/_.%-]*[A-Za-z0-9/_%-])?`)
	// monthRe is a reviewed month as the content writes it (2026-11).
	monthRe = regexp.MustCompile(`\b20\d\d-(?:0[1-9]|1[0-2])\b`)
)

// exceptions are numbers the content may give without facts.md: 911 (the
// emergency number, which every SMS help text must name) is not written
// as a ten-digit number and never matched; 202-555-0100 is in the range
// set aside for fiction (555-0100 to 555-0199), used as an example of a
// phone number's format.
var fictionalPhone = regexp.MustCompile(`^\d{3}55501\d\d$`)

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	return d
}

// sourced is what the fact sheet gives.
type sourced struct {
	phones, emails, web map[string]bool
	months              []string
}

func parseFacts(t *testing.T) sourced {
	t.Helper()
	buf, err := os.ReadFile(factsFile)
	if err != nil {
		t.Fatal(err)
	}
	text := string(buf)
	f := sourced{phones: map[string]bool{}, emails: map[string]bool{}, web: map[string]bool{}}
	for _, p := range phoneRe.FindAllString(text, -1) {
		f.phones[digits(p)] = true
	}
	for _, p := range serviceRe.FindAllString(text, -1) {
		f.phones[p] = true
	}
	for _, e := range emailRe.FindAllString(text, -1) {
		f.emails[strings.ToLower(e)] = true
	}
	for _, w := range webRe.FindAllString(emailRe.ReplaceAllString(text, ""), -1) {
		f.web[webKey(w)] = true
	}
	// "Sources were read in November and December 2026": the months a
	// reviewed date may name.
	m := regexp.MustCompile(`read in ((?:[A-Z][a-z]+(?:,| and| or)? ?)+) (20\d\d)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("%s: no \"Sources were read in <months> <year>\" line", factsFile)
	}
	names := []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	for _, word := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ' ' || r == ',' }) {
		if i := slices.Index(names, word); i >= 0 {
			f.months = append(f.months, m[2]+"-"+[]string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"}[i])
		}
	}
	if len(f.phones) < 5 || len(f.web) < 5 || len(f.months) == 0 {
		t.Fatalf("%s parsed to %d phones, %d web addresses, months %v: the parser no longer reads the file", factsFile, len(f.phones), len(f.web), f.months)
	}
	return f
}

func webKey(w string) string {
	w = strings.TrimPrefix(strings.TrimPrefix(w, "https://"), "http://")
	return strings.TrimSuffix(strings.ToLower(w), "/")
}

// finding is one phone number, e-mail or web address in the content.
type finding struct{ kind, value, norm string }

// findContacts extracts the contacts of a text, skipping tokens that are
// message IDs (intake.cat.gov is a category's message, not an address).
func findContacts(text string, isID func(string) bool) []finding {
	var out []finding
	for _, p := range phoneRe.FindAllString(text, -1) {
		out = append(out, finding{"phone", p, digits(p)})
	}
	for _, p := range serviceRe.FindAllString(text, -1) {
		out = append(out, finding{"phone", p, p})
	}
	for _, e := range emailRe.FindAllString(text, -1) {
		out = append(out, finding{"e-mail", e, strings.ToLower(e)})
	}
	rest := emailRe.ReplaceAllString(text, " ")
	for _, loc := range webRe.FindAllStringIndex(rest, -1) {
		w := rest[loc[0]:loc[1]]
		// A message ID or a flow state (kw.topic.gov, discrim.gov), or
		// the tail of a longer identifier.
		if isID(w) || (loc[0] > 0 && strings.ContainsRune("._", rune(rest[loc[0]-1]))) {
			continue
		}
		out = append(out, finding{"web address", w, webKey(w)})
	}
	return out
}

func (f sourced) check(fd finding) bool {
	switch fd.kind {
	case "phone":
		return f.phones[fd.norm] || fictionalPhone.MatchString(fd.norm)
	case "e-mail":
		return f.emails[fd.norm]
	}
	return f.web[fd.norm]
}

// TestContactsAreSourced checks every phone number, e-mail and web address
// in every message of every language against the fact sheet, and that a
// message giving one also gives the month it was reviewed (one of the
// months the sources were read); the routing and flow data and the docs
// may name only sourced contacts too.
func TestContactsAreSourced(t *testing.T) {
	facts := parseFacts(t)
	cat, err := locales.LoadForLint()
	if err != nil {
		t.Fatal(err)
	}
	// Message IDs and the prefixes of message IDs (a flow state such as
	// discrim.gov names the messages discrim.gov.*).
	ids := map[string]bool{}
	for _, id := range cat.IDs() {
		for p := id; p != ""; {
			ids[p] = true
			i := strings.LastIndexByte(p, '.')
			if i < 0 {
				break
			}
			p = p[:i]
		}
	}
	isID := func(s string) bool { return ids[s] }
	checked := 0
	for _, l := range cat.Langs() {
		for _, id := range cat.IDs() {
			m, ok := cat.Lookup(l, id)
			if !ok {
				continue
			}
			found := findContacts(m.Text, isID)
			dated := false
			for _, fd := range found {
				checked++
				if !facts.check(fd) {
					t.Errorf("%s %s: %s %q is not in shared/facts.md: remove it, or add it to facts.md with its source first", l, id, fd.kind, fd.value)
				}
				if fd.kind != "phone" || !fictionalPhone.MatchString(fd.norm) {
					dated = true
				}
			}
			// A SOURCE reply (*.src) is sent with the answer's reviewed
			// date after it (common.source_line).
			if dated && !strings.HasSuffix(id, ".src") && !slices.ContainsFunc(monthRe.FindAllString(m.Text, -1), func(s string) bool { return slices.Contains(facts.months, s) }) {
				t.Errorf("%s %s: gives a phone number or address without its reviewed month (one of %v, e.g. \"(as of %s)\"): %q", l, id, facts.months, facts.months[0], m.Text)
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d contacts found in the catalog: the extraction is broken", checked)
	}
	// The data and the docs: every contact sourced. (The docs also link
	// specifications and tools; only phone numbers and government
	// addresses are facts there.)
	files := []string{"../intake/routing.yaml", "../intake/jurisdiction/jurisdictions.yaml", "../README.md"}
	for _, pattern := range []string{"*.yaml", "../docs/*.md"} {
		names, _ := filepath.Glob(pattern)
		files = append(files, names...)
	}
	for _, name := range files {
		buf, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		doc := strings.HasSuffix(name, ".md")
		for i, line := range bytes.Split(buf, []byte("\n")) {
			for _, fd := range findContacts(string(line), isID) {
				if doc && fd.kind == "web address" && !strings.HasSuffix(strings.SplitN(fd.norm, "/", 2)[0], ".gov") && !strings.HasSuffix(strings.SplitN(fd.norm, "/", 2)[0], ".us") {
					continue
				}
				if doc && fd.kind == "e-mail" && !strings.HasSuffix(fd.norm, ".gov") {
					continue
				}
				if !facts.check(fd) {
					t.Errorf("%s:%d: %s %q is not in shared/facts.md", name, i+1, fd.kind, fd.value)
				}
			}
		}
	}
}

// TestFactsCopyIsCurrent compares testdata/facts.md with shared/facts.md
// when the shared file is beside the repository (the project's checkout):
// a changed fact sheet must be copied in, and the content checked again.
func TestFactsCopyIsCurrent(t *testing.T) {
	shared, err := os.ReadFile("../../shared/facts.md")
	if err != nil {
		t.Skip("shared/facts.md is not beside this checkout")
	}
	copied, err := os.ReadFile(factsFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shared, copied) {
		t.Errorf("shared/facts.md changed: copy it to flows/%s and check the content against it", factsFile)
	}
}

// TestContactsCheckFails is the check's own test: an unsourced number, a
// changed digit, an unknown address and a sourced one without its month
// are each caught.
func TestContactsCheckFails(t *testing.T) {
	facts := parseFacts(t)
	noID := func(string) bool { return false }
	for _, text := range []string{"Call 1-800-555-1234 (as of 2026-11)", "HUD: 1-800-669-9778", "See hud.gov/fairhousing (as of 2026-11)", "write to help@ohr.dc.gov"} {
		bad := 0
		for _, fd := range findContacts(text, noID) {
			if !facts.check(fd) {
				bad++
			}
		}
		if bad == 0 {
			t.Errorf("%q passes", text)
		}
	}
	for _, text := range []string{"HUD: 1-800-669-9777 (as of 2026-11)", "(202) 727-4559, ohr.intake@dc.gov", "Dial 2-1-1", "hud.gov/fairhousing/fileacomplaint", "Try 202-555-0100."} {
		for _, fd := range findContacts(text, noID) {
			if !facts.check(fd) {
				t.Errorf("%q: %s %q refused", text, fd.kind, fd.value)
			}
		}
	}
	if got := findContacts("kw.topic.gov discrim.gov", func(s string) bool { return s == "discrim.gov" || s == "kw.topic.gov" }); len(got) != 0 {
		t.Errorf("identifiers taken for addresses: %v", got)
	}
}
