package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// A resident who pauses past the idle timeout in the middle of a report,
// or switches language in the middle of it, finishes the same report: it
// is filed with what they wrote before the pause or the switch, on both
// backends.
func TestPauseOrSwitchMidReportFilesTheSameReport(t *testing.T) {
	answers := map[string]string{
		"intake.when": "2026-11-15", "intake.place": "20001", "intake.who_name": "Acme Rentals",
		"intake.phone": "2025550123", "intake.safe_times": "evenings",
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cat, err := locales.Load()
		if err != nil {
			t.Fatal(err)
		}
		if err := intake.SeedCommissions(t.Context(), st); err != nil {
			t.Fatal(err)
		}
		clock := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
		rt, err := bot.New(st, cat, bot.Config{Log: quietLog, Now: func() time.Time { return clock },
			Extensions: []bot.Extension{intake.Extension(st, intake.Config{Catalog: cat})}})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name, address string
			lang          locales.Lang
			midway        func(send func(bot.Inbound) bot.Outcome)
		}{
			{"pause", "+12025550301", locales.English, func(send func(bot.Inbound) bot.Outcome) {
				clock = clock.Add(flows.DefaultIdle + time.Hour)
				out := send(bot.Inbound{Text: "He also took my things."})
				if !strings.Contains(bot.JoinReplies(out.Replies), text(t, cat, locales.English, "common.draft_offer")) {
					t.Fatalf("after the pause: %q, want the draft offered", bot.JoinReplies(out.Replies))
				}
				send(bot.Inbound{Text: "1"})
			}},
			{"switch", "+12025550302", locales.Spanish, func(send func(bot.Inbound) bot.Outcome) {
				send(bot.Inbound{Text: "language"})
				if out := send(bot.Inbound{Text: "2"}); out.Prompt.State != "intake.what" {
					t.Fatalf("after choosing Spanish the report asks %s, want intake.what again", out.Prompt.State)
				}
			}},
		} {
			var out bot.Outcome
			send := func(in bot.Inbound) bot.Outcome {
				t.Helper()
				clock = clock.Add(time.Minute)
				in.Channel, in.Address = "sms", c.address
				var err error
				if out, err = rt.Handle(t.Context(), in); err != nil {
					t.Fatal(err)
				}
				return out
			}
			send(bot.Inbound{Text: "hi", Lang: locales.English})
			send(bot.Inbound{Text: "4"})
			send(bot.Inbound{Text: "1"})
			send(bot.Inbound{Text: "The landlord changed the locks."})
			c.midway(send)
			if out.Prompt.State != "intake.what" {
				t.Fatalf("%s: the report asks %s, want intake.what", c.name, out.Prompt.State)
			}
			send(bot.Inbound{Word: flows.WordDone})
			for steps := 0; strings.HasPrefix(out.Prompt.State, "intake."); steps++ {
				if steps == 30 {
					t.Fatalf("%s: still in the report after 30 answers, at %s", c.name, out.Prompt.State)
				}
				if a, ok := answers[out.Prompt.State]; ok || len(out.Prompt.Choices) == 0 {
					send(bot.Inbound{Text: a, State: out.Prompt.State})
					continue
				}
				send(bot.Inbound{Choice: out.Prompt.Choices[0].Key, State: out.Prompt.State})
			}
			reports, err := st.ReportsByContact(t.Context(), out.Contact.ID, 5)
			if err != nil {
				t.Fatal(err)
			}
			if len(reports) != 1 {
				t.Fatalf("%s: %d reports filed, want 1 (last replies %q)", c.name, len(reports), bot.JoinReplies(out.Replies))
			}
			r, err := st.ReportByID(t.Context(), reports[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(r.Narrative, "changed the locks") || r.Lang != string(c.lang) {
				t.Errorf("%s: report in %s with narrative %q, want %s and what was written before", c.name, r.Lang, r.Narrative, c.lang)
			}
			if c.name == "pause" && !strings.Contains(r.Narrative, "took my things") {
				t.Errorf("pause: narrative %q lost what was written on return", r.Narrative)
			}
		}
	})
}

func text(t *testing.T, cat *locales.Catalog, l locales.Lang, id string) string {
	t.Helper()
	s, err := cat.Text(l, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
