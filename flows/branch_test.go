package flows

import (
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/locales"
)

const branchTestFlow = `
flow: main
start: welcome
states:
  welcome:
    say: [main.welcome]
    next: menu
  menu:
    kind: menu
    say: [main.menu]
    choices:
      - {key: "1", go: place}
      - {key: "2", set: {where: ""}, go: place}
  language:
    kind: menu
    say: [main.language]
    choices:
      - {key: "1", action: {set_language: en}, go: menu}
  place:
    say: [lang.name.en]
    collect: {var: where, type: zip, also: {code: upper}}
    skip_if: {var: where, known: true}
    next: route
  route:
    branch:
      var: where
      cases: {"20001": dc}
      default: elsewhere
  dc:
    kind: answer
    say: [lang.name.fr]
    choices:
      - {key: "0", go: menu}
  elsewhere:
    kind: answer
    say: [lang.name.es]
    choices:
      - {key: "0", go: menu}
`

func branchEngine(t *testing.T, src string) (*Engine, error) {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFlow("test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	upper := func(in string, _ locales.Lang, _ time.Time, _ *locales.Catalog) (string, bool) {
		return strings.ToUpper(in), strings.HasPrefix(in, "2")
	}
	return New(cat, Options{Flows: []*Flow{f}, Validators: map[string]Validator{"upper": upper}})
}

func TestBranchRoutesByValueAndSkipsKnownVar(t *testing.T) {
	e, err := branchEngine(t, branchTestFlow)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	conv := Conversation{Lang: locales.English, State: StateMenu, Vars: map[string]string{}}
	step := func(text string) Result {
		t.Helper()
		res, err := e.Step(conv, Input{Text: text, At: now})
		if err != nil {
			t.Fatal(err)
		}
		conv = res.Conv
		return res
	}
	step("1")
	if conv.State != "main.place" {
		t.Fatalf("state %s; want main.place (the var is empty)", conv.State)
	}
	step("20001")
	if conv.State != "main.dc" || conv.Vars["code"] != "20001" {
		t.Fatalf("state %s vars %v; want main.dc with code stored by also", conv.State, conv.Vars)
	}
	step("0")
	step("1") // the var is known: the question is skipped
	if conv.State != "main.dc" {
		t.Fatalf("state %s; want main.dc without asking again", conv.State)
	}
	step("0")
	step("2") // clears the var: asked again
	if conv.State != "main.place" {
		t.Fatalf("state %s; want main.place after clearing", conv.State)
	}
	step("97401")
	if conv.State != "main.elsewhere" {
		t.Fatalf("state %s; want the default branch", conv.State)
	}
	if _, ok := conv.Vars["code"]; ok {
		t.Errorf("also kept a value its validator refused: %v", conv.Vars)
	}
}

func TestBranchDefinitionErrors(t *testing.T) {
	cases := map[string]string{
		"needs var and default":    strings.Replace(branchTestFlow, "      default: elsewhere\n", "", 1),
		"does not exist":           strings.Replace(branchTestFlow, "default: elsewhere", "default: nowhere", 1),
		"only routes":              strings.Replace(branchTestFlow, "  route:\n", "  route:\n    say: [lang.name.en]\n", 1),
		`unknown validator "nope"`: strings.Replace(branchTestFlow, "code: upper", "code: nope", 1),
	}
	for want, src := range cases {
		_, err := branchEngine(t, src)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v", want, err)
		}
	}
}
