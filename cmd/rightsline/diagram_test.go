package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// `rightsline diagram` draws the shipped flows: the intake alone from its
// start (other flows' menus it leads to as nodes, not their states), and everything in Graphviz from main.welcome.
func TestDiagramCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := dispatch(context.Background(), []string{"diagram", "--flow", "intake"}, nil, &out, &errOut); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	if s := out.String(); !strings.HasPrefix(s, "graph LR\n") || !strings.Contains(s, "[intake.") || strings.Contains(s, "[housing.eviction") {
		t.Errorf("intake diagram:\n%s", s)
	}
	out.Reset()
	if err := dispatch(context.Background(), []string{"diagram", "--format", "graphviz"}, nil, &out, &errOut); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	if s := out.String(); !strings.HasPrefix(s, "digraph fsm {") || !strings.Contains(s, `"main.welcome" [color = "red"];`) || !strings.Contains(s, `"intake.`) {
		t.Errorf("graphviz diagram starts %q", s[:min(len(s), 200)])
	}
	if err := dispatch(context.Background(), []string{"diagram", "--format", "svg"}, nil, &out, &errOut); err == nil {
		t.Error("an unknown format was accepted")
	}
}
