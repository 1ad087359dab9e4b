package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
)

// runDiagram prints the flows' transitions as a diagram (looplab/fsm's
// Mermaid or Graphviz output), for the people who write and review flows.
// It needs no database and no configuration.
func runDiagram(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("diagram", flag.ContinueOnError)
	fs.SetOutput(stderr)
	flow := fs.String("flow", "", "one flow (main, housing, intake …); all of them if empty")
	format := fs.String("format", flows.DiagramMermaid, "mermaid (a flow chart GitHub renders) or graphviz (dot -Tsvg)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: rightsline diagram [--flow F] [--format mermaid|graphviz]\n\nPrints every choice, next and branch of the flows as arrows between states.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errUsage
	}
	cat, err := locales.Load()
	if err != nil {
		return err
	}
	eng, err := bot.NewEngine(cat, 0, extensions(nil, cat)...)
	if err != nil {
		return err
	}
	out, err := eng.Diagram(*flow, *format)
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, out)
	return err
}
