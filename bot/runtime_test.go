package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// quietLog keeps test and benchmark output readable.
var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func newRuntime(t testing.TB, st *store.Store) *bot.Runtime {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	rt, err := bot.New(st, cat, bot.Config{Log: quietLog, Extensions: []bot.Extension{intake.Extension(st, intake.Config{Catalog: cat})}})
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

func conversation(t *testing.T, st *store.Store, contactID int64) flows.Conversation {
	t.Helper()
	var conv flows.Conversation
	err := st.InTx(context.Background(), func(tx *store.Tx) error {
		buf, err := tx.LoadConversation(context.Background(), contactID)
		if err != nil {
			return err
		}
		return json.Unmarshal(buf, &conv)
	})
	if err != nil {
		t.Fatal(err)
	}
	return conv
}

// One person sending many messages at the same moment: every message is
// stored once, every step is applied (none lost to a concurrent update), and
// each message's replies directly follow it.
func TestRuntimeOneContactConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rt := newRuntime(t, st)
		ctx := context.Background()
		const n = 24
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				text := []string{"hi", "5", "MENU", "BACK", "xyzzy", "2"}[i%6]
				_, err := rt.Handle(ctx, bot.Inbound{Channel: "sms", Address: "+12025550111", Text: text, ExternalID: fmt.Sprintf("SM-conc-%d", i), Lang: locales.English})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		c, err := st.ContactByAddress(ctx, "sms", "+12025550111")
		if err != nil {
			t.Fatal(err)
		}
		if got := conversation(t, st, c.ID).Turns; got != n {
			t.Fatalf("conversation counted %d turns, want %d: a concurrent update was lost", got, n)
		}
		msgs, err := st.Transcript(ctx, c.ID, 10*n)
		if err != nil {
			t.Fatal(err)
		}
		inbound := 0
		var current int64
		for _, m := range msgs {
			switch m.Direction {
			case "in":
				inbound++
				current = m.ID
			case "out":
				if m.InReplyTo != current {
					t.Fatalf("reply %d answers message %d but follows message %d: steps interleaved", m.ID, m.InReplyTo, current)
				}
			}
		}
		if inbound != n {
			t.Fatalf("%d inbound messages stored, want %d", inbound, n)
		}
	})
}

// A retried delivery (same provider ID) gets the first replies again and
// runs nothing twice.
func TestRuntimeDuplicateExternalID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rt := newRuntime(t, st)
		ctx := context.Background()
		in := bot.Inbound{Channel: "sms", Address: "+12025550112", Text: "hola", ExternalID: "SM-dup-1"}
		first, err := rt.Handle(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		again, err := rt.Handle(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Duplicate || first.Duplicate {
			t.Fatalf("duplicate flags: first %v, again %v", first.Duplicate, again.Duplicate)
		}
		if bot.JoinReplies(first.Replies) != bot.JoinReplies(again.Replies) {
			t.Fatalf("retry answered differently:\n%s\n---\n%s", bot.JoinReplies(first.Replies), bot.JoinReplies(again.Replies))
		}
		if got := conversation(t, st, first.Contact.ID).Turns; got != 1 {
			t.Fatalf("turns = %d after a retried message, want 1", got)
		}
	})
}

// The conversation survives a restart: a new store and runtime on the
// same database continue where the person was.
func TestRuntimeSurvivesRestart(t *testing.T) {
	path := "sqlite:" + t.TempDir() + "/restart.db"
	ctx := context.Background()
	open := func() *store.Store {
		st, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := open()
	rt := newRuntime(t, st)
	if _, err := rt.Handle(ctx, bot.Inbound{Channel: "sms", Address: "+12025550113", Text: "hola"}); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Handle(ctx, bot.Inbound{Channel: "sms", Address: "+12025550113", Text: "5"}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st = open()
	defer st.Close()
	rt = newRuntime(t, st)
	out, err := rt.Handle(ctx, bot.Inbound{Channel: "sms", Address: "+12025550113", Text: "8"})
	if err != nil {
		t.Fatal(err)
	}
	// "8" at the language menu (where the person was) picks French.
	if out.Lang != locales.French || out.Prompt.State != flows.StateMenu {
		t.Fatalf("after restart: lang %s, state %s; want fr at %s", out.Lang, out.Prompt.State, flows.StateMenu)
	}
}

// Bad input never fails the runtime: empty, huge, binary, control
// characters, SQL and script are answered and stored verbatim.
func TestRuntimeOddInput(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	rt := newRuntime(t, st)
	ctx := context.Background()
	inputs := []string{"", strings.Repeat("é", 5000), "\x00\x01\xff\xfe binary", "'); DROP TABLE contacts;--", "<script>alert(1)</script>", "مرحبا", "👋🏽👋🏽", "\u202eRTL override"}
	for i, text := range inputs {
		out, err := rt.Handle(ctx, bot.Inbound{Channel: "sms", Address: "+12025550114", Text: text, ExternalID: fmt.Sprintf("SM-odd-%d", i), Lang: locales.Spanish})
		if err != nil {
			t.Fatalf("input %d: %v", i, err)
		}
		if len(out.Replies) == 0 {
			t.Fatalf("input %d got no reply", i)
		}
	}
	c, err := st.ContactByAddress(ctx, "sms", "+12025550114")
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := st.Transcript(ctx, c.ID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	for _, m := range msgs {
		if m.Direction == "in" {
			stored = append(stored, m.Body)
		}
	}
	if len(stored) != len(inputs) || stored[3] != inputs[3] {
		t.Fatalf("stored inbound = %q", stored)
	}
}

func BenchmarkRuntimeHandle(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			st := storetest.Open(b, backend)
			rt := newRuntime(b, st)
			ctx := context.Background()
			texts := []string{"1", "MENU", "2", "MENU", "3", "MENU"}
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				_, err := rt.Handle(ctx, bot.Inbound{Channel: "sms", Address: fmt.Sprintf("+1202555%04d", i%100), Text: texts[i%len(texts)], Lang: locales.English})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
		})
	}
}

// pinger answers PING in any state: a stand-in for STOP and STATUS.
type pinger struct{ langs []locales.Lang }

func (p *pinger) Intercept(_ context.Context, t *bot.Turn) (bot.Verdict, error) {
	text := t.In.Text
	if !strings.EqualFold(strings.TrimSpace(text), "ping") && text != "ping, por favor" {
		return bot.Verdict{}, nil
	}
	p.langs = append(p.langs, t.Lang)
	return bot.Verdict{Handled: true, Replies: []flows.Reply{{ID: "pong", Text: "pong"}}}, nil
}

// Interceptors answer even the very first message, before any language
// was chosen, in the language the text is written in.
func TestRuntimeInterceptsFirstMessage(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	rt := newRuntime(t, st)
	p := &pinger{}
	rt.Interceptors = append([]bot.Interceptor{p}, rt.Interceptors...)
	ctx := context.Background()
	for i, text := range []string{"PING", "ping, por favor"} {
		out, err := rt.Handle(ctx, bot.Inbound{Channel: "sms", Address: fmt.Sprintf("+1202555020%d", i), Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if bot.JoinReplies(out.Replies) != "pong" {
			t.Fatalf("%q: replies %q", text, bot.JoinReplies(out.Replies))
		}
	}
	if len(p.langs) != 2 || p.langs[0] != locales.English || p.langs[1] != locales.Spanish {
		t.Fatalf("languages seen: %v", p.langs)
	}
}
