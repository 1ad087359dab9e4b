package flows

import (
	"fmt"
	"strings"

	"github.com/looplab/fsm"
)

// Diagram formats.
const (
	DiagramMermaid  = "mermaid"  // a Mermaid flow chart (renders in GitHub Markdown)
	DiagramGraphviz = "graphviz" // Graphviz dot
)

// Diagram draws the compiled flows' transitions with looplab/fsm: every
// choice ("choose:<key>"), next and branch case ("branch:=<value>",
// "branch:*") as an arrow, the flow's start highlighted. flow limits it to
// the transitions out of that flow's states ("" draws every flow from
// main.welcome). The engine's redirections that are not transitions (the
// welcome before a first menu, a kept draft, LANGUAGE's return to the same
// question, the global words) are not drawn: see flows/README.md.
func (e *Engine) Diagram(flow, format string) (string, error) {
	start := StateWelcome
	events := e.c.events
	if flow != "" {
		f, ok := e.c.flows[flow]
		if !ok {
			return "", fmt.Errorf("flows: no flow %q", flow)
		}
		start = flow + "." + f.Start
		events = nil
		for _, ev := range e.c.events {
			if strings.HasPrefix(ev.Src[0], flow+".") {
				events = append(events, ev)
			}
		}
	}
	m := fsm.NewFSM(start, events, nil)
	switch format {
	case DiagramMermaid:
		return fsm.VisualizeWithType(m, fsm.MermaidFlowChart)
	case DiagramGraphviz:
		return fsm.VisualizeWithType(m, fsm.GRAPHVIZ)
	}
	return "", fmt.Errorf("flows: diagram format %q is not %s or %s", format, DiagramMermaid, DiagramGraphviz)
}
