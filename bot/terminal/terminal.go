// Package terminal is the command-line chat channel: one inbound message a
// line on standard input, the replies on standard output. It goes through
// the same runtime as SMS, so a conversation here is stored and resumes like
// any other.
package terminal

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/locales"
)

// Channel is the name the terminal's contacts are stored under.
const Channel = "terminal"

// maxLine bounds one inbound line; longer input is cut, as SMS would be.
const maxLine = 64 << 10

// Options configure a terminal session.
type Options struct {
	// Address identifies the contact; the same address continues the same
	// conversation across runs.
	Address string
	// Lang is the language for a new conversation ("" to detect it).
	Lang locales.Lang
	// Prompt is printed before each line when the input is a terminal.
	Prompt string
}

// Run reads messages from in until EOF or ctx ends and writes each step's
// replies to out, separated by a blank line.
func Run(ctx context.Context, rt *bot.Runtime, in io.Reader, out io.Writer, opts Options) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	for {
		if opts.Prompt != "" {
			fmt.Fprint(out, opts.Prompt)
		}
		if !sc.Scan() {
			if err := sc.Err(); err != nil {
				return fmt.Errorf("terminal: reading input: %w", err)
			}
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		line := strings.TrimRight(sc.Text(), "\r")
		res, err := rt.Handle(ctx, bot.Inbound{Channel: Channel, Address: opts.Address, Text: line, Lang: opts.Lang})
		if err != nil {
			return err
		}
		for _, r := range res.Replies {
			fmt.Fprintln(out, r.Text)
			fmt.Fprintln(out)
		}
	}
}
