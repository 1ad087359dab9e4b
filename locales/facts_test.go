package locales

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// factToken matches what a translation may never drop or change: a phone
// number ((202) 727-4559, 1-800-669-9777, 2-1-1), an e-mail, a web
// address and a "checked in" month (2026-11). Go's \b is ASCII, so a
// number glued to Chinese or Korean text ("2026-11核实", "2-1-1에") still
// counts.
var factToken = regexp.MustCompile(`\(\d{3}\) \d{3}-\d{4}|\b1-8\d\d-\d{3}-\d{4}\b|\b\d{3}-\d{3}-\d{4}\b|\b2-1-1\b|[A-Za-z0-9._-]+@[a-z0-9.-]+\.[a-z]+|\b[a-z0-9.-]+\.(?:gov|org|us|com)(?:/[A-Za-z0-9/_.-]*[A-Za-z0-9/_-])?|\b20\d\d-\d\d\b`)

// TestTranslationsKeepEveryNumberAndAddress: every phone number, e-mail,
// web address and month a message says in English is in each of its
// translations, so shortening a translation to fit an SMS budget cannot
// silently drop or mistype one.
func TestTranslationsKeepEveryNumberAndAddress(t *testing.T) {
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, id := range cat.IDs() {
		if strings.HasPrefix(id, "kw.") { // matched, not sent
			continue
		}
		en, ok := cat.Lookup(Source, id)
		if !ok {
			continue
		}
		want := factToken.FindAllString(en.Text, -1)
		if len(want) == 0 {
			continue
		}
		for _, l := range cat.Langs() {
			m, ok := cat.Lookup(l, id)
			if l == Source || !ok {
				continue
			}
			checked++
			got := factToken.FindAllString(m.Text, -1)
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Errorf("%s %s: %q is in the English, not in the translation %q", l, id, w, m.Text)
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d translations with a number or an address checked: the pattern finds nothing", checked)
	}
}
