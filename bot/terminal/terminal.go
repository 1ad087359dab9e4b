// Package terminal is the command-line chat channel: one inbound message a
// line on standard input, the replies on standard output. It goes through
// the same runtime as SMS, so a conversation here is stored and resumes like
// any other.
package terminal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
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
	if err := showUpdates(ctx, rt.Store, out, opts.Address); err != nil {
		return err
	}
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

// showUpdates prints the messages that reached this contact since their
// last message without being replies to it: staff updates on a report,
// delivered while the person was away.
func showUpdates(ctx context.Context, st *store.Store, out io.Writer, address string) error {
	c, err := st.ContactByAddress(ctx, Channel, address)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	msgs, err := st.Transcript(ctx, c.ID, 200)
	if err != nil {
		return err
	}
	var updates []string
	for _, m := range msgs {
		switch {
		case m.Direction == store.DirectionIn:
			updates = updates[:0]
		case m.InReplyTo == 0:
			updates = append(updates, m.Body)
		}
	}
	for _, u := range updates {
		fmt.Fprintln(out, u)
		fmt.Fprintln(out)
	}
	return nil
}
