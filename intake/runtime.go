package intake

import (
	"context"
	"strings"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/store"
)

// Extension is what intake adds to the conversation runtime: the flows'
// validators, traits list and actions; the event handler that stores a
// filed report in the step's transaction; and STATUS <reference> in any
// state. cmd/rightsline wires it into bot.New; tests that run the real
// flows do the same.
func Extension(st *store.Store, cfg Config) bot.Extension {
	svc := NewService(st, cfg.Catalog)
	return bot.Extension{
		Engine:       EngineOptionsWith(cfg),
		Events:       svc,
		Interceptors: []bot.Interceptor{eraser{cat: svc.cat}, linker{svc: svc}, discreetSwitch{cat: svc.cat}, locationSwitch{cat: svc.cat}, svc},
		MediaFlow:    FlowIntake,
	}
}

// CommandStatus is the channel command (Discord's /status) that asks for
// a report's status; its argument is the reference, or none for the
// latest reports.
const CommandStatus = "status"

// Intercept implements bot.Interceptor: it answers STATUS <reference>
// (typed, or the status command) before the engine, in any state, inside
// the message's transaction.
func (s *Service) Intercept(ctx context.Context, t *bot.Turn) (bot.Verdict, error) {
	var reply string
	var handled bool
	var err error
	switch {
	case t.In.Command == CommandStatus:
		reply, handled, err = s.statusOf(ctx, t.Tx, t.Contact, t.Lang, strings.TrimSpace(t.In.Arg))
	case t.In.Command == "" && t.In.Choice == "" && t.In.Word == "" && t.In.Flow == "":
		reply, handled, err = s.StatusReplyTx(ctx, t.Tx, t.Contact, t.Lang, t.In.Text)
	}
	if err != nil || !handled {
		return bot.Verdict{}, err
	}
	if reply, err = withHeld(ctx, t.Tx, t.Contact.ID, reply); err != nil {
		return bot.Verdict{}, err
	}
	return bot.Verdict{Handled: true, Replies: []flows.Reply{{ID: StatusReplyID, Text: reply}}}, nil
}
