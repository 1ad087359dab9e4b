package flows

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/looplab/fsm"
)

// The step reads its own transition table; looplab/fsm, run over the same
// events, must land on the same state for every transition, and refuse
// what the table refuses. A change to how compile builds the table that
// fsm would read differently (a duplicate event from one state, a lost
// self-transition) fails here.
func TestTransitionTableAgreesWithFSM(t *testing.T) {
	e := fixtureEngine(t)
	ctx := context.Background()
	fire := func(src, ev string) (string, error) {
		m := fsm.NewFSM(src, e.c.events, nil)
		err := m.Event(ctx, ev)
		var same fsm.NoTransitionError // a self-transition succeeds with this error
		if err != nil && !errors.As(err, &same) {
			return "", err
		}
		return m.Current(), nil
	}
	self := 0
	for _, ev := range e.c.events {
		for _, src := range ev.Src {
			want, err := fire(src, ev.Name)
			if err != nil {
				t.Fatalf("fsm: %s --%s-->: %v", src, ev.Name, err)
			}
			got, err := e.transition(src, ev.Name)
			if err != nil || got != want {
				t.Errorf("%s --%s--> %q, %v; fsm says %q", src, ev.Name, got, err, want)
			}
			if src == want {
				self++
			}
		}
	}
	if self == 0 {
		t.Error("the fixture has no self-transition: the NoTransitionError case is not tested")
	}
	for _, c := range []struct{ src, ev string }{{"main.menu", "choose:99"}, {"main.nowhere", evNext}} {
		if _, err := fire(c.src, c.ev); err == nil {
			t.Errorf("fsm took %s --%s-->", c.src, c.ev)
		}
		if dst, err := e.transition(c.src, c.ev); err == nil {
			t.Errorf("the table took %s --%s--> to %s", c.src, c.ev, dst)
		}
	}
}

func TestDiagram(t *testing.T) {
	e := fixtureEngine(t)
	dot, err := e.Diagram("", DiagramGraphviz)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range e.c.events {
		line := `"` + ev.Src[0] + `" -> "` + ev.Dst + `" [ label = "` + ev.Name + `" ];`
		if !strings.Contains(dot, line) {
			t.Errorf("graphviz lacks %s", line)
		}
	}
	if !strings.Contains(dot, `"`+StateWelcome+`" [color = "red"];`) {
		t.Errorf("graphviz does not mark the start:\n%s", dot)
	}
	mer, err := e.Diagram("main", DiagramMermaid)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mer, "graph LR\n") || !strings.Contains(mer, "[main.a1]") || !strings.Contains(mer, "|choose:5|") {
		t.Errorf("mermaid diagram of flow main:\n%s", mer)
	}
	if _, err := e.Diagram("nope", DiagramMermaid); err == nil {
		t.Error("a diagram of an unknown flow")
	}
	if _, err := e.Diagram("", "svg"); err == nil {
		t.Error("a diagram in an unknown format")
	}
}
