package flows_test

import (
	"os"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/intake/jurisdiction"
	"github.com/rightsline/rightsline/locales"
)

// contentPrefixes are the message IDs of the rights content (this domain).
var contentPrefixes = []string{"housing.", "homeless.", "discrim.", "content.", "trait.", "place.", "kw.topic.", "kw.place."}

func isContentID(id string) bool {
	for _, p := range contentPrefixes {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// contentEngine builds an engine from the flow files of this domain and the
// main flow, with the jurisdiction validators, over the catalog on disk. Other domains' messages may be mid-translation in a
// shared tree, so only gaps in this domain's messages fail here; the
// catalog's own completeness is locales.Load's job.
func contentEngine(t *testing.T) (*flows.Engine, *locales.Catalog) {
	t.Helper()
	return contentEngineWith(t, nil)
}

// contentEngineWith is contentEngine with the matcher built from u (nil:
// the embedded data).
func contentEngineWith(t *testing.T, u *locales.Understanding) (*flows.Engine, *locales.Catalog) {
	t.Helper()
	cat, problems, err := locales.LoadFS(os.DirFS("../locales"), true)
	if err != nil {
		t.Fatal(err)
	}
	return contentEngineOf(t, cat, problems, u), cat
}

// contentEngineOf builds the content engine over catalog cat and matcher
// data u (nil: the embedded), failing on the gaps in problems that are
// this domain's.
func contentEngineOf(t *testing.T, cat *locales.Catalog, problems []string, u *locales.Understanding, extra ...*flows.Flow) *flows.Engine {
	t.Helper()
	for _, p := range problems {
		for _, pre := range contentPrefixes {
			if strings.Contains(p, `"`+pre) {
				t.Error(p)
			}
		}
	}
	var defs []*flows.Flow
	for _, name := range []string{"main.yaml", "housing.yaml", "homeless.yaml", "discrim.yaml"} {
		buf, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := flows.ParseFlow("flows/"+name, buf)
		if err != nil {
			t.Fatal(err)
		}
		defs = append(defs, f)
	}
	// The intake flow belongs to another team and may be mid-edit; these
	// tests only need its start state to exist.
	intake, err := flows.ParseFlow("intake_stub.yaml", []byte(intakeStub))
	if err != nil {
		t.Fatal(err)
	}
	defs = append(defs, intake)
	defs = append(defs, extra...)
	e, err := flows.New(cat, flows.Options{Flows: defs, Validators: jurisdiction.Validators(), Understanding: u})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

const intakeStub = `
flow: intake
start: start
states:
  start:
    topic: kw.menu.report
    say: [main.opt.report]
    choices:
      - {key: "0", go: main.menu}
`
