package intake_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
)

// now is the clock of every engine test.
var now = time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC)

// fixedRand gives repeatable references.
func fixedRand() *bytes.Reader {
	return bytes.NewReader(bytes.Repeat([]byte{7, 20, 23, 2, 9, 13}, 100))
}

func newEngine(t *testing.T) *flows.Engine {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatalf("locales: %v", err)
	}
	e, err := flows.New(cat, intake.EngineOptionsWith(intake.Config{Catalog: cat, Rand: fixedRand()}))
	if err != nil {
		t.Fatalf("flows.New: %v", err)
	}
	return e
}

// chat runs inputs through the engine from a conversation already in lang
// at the main menu, and returns every step's result.
type chat struct {
	t    *testing.T
	e    *flows.Engine
	conv flows.Conversation
	at   time.Time
	log  []flows.Result
}

func newChat(t *testing.T, e *flows.Engine, lang locales.Lang) *chat {
	return &chat{t: t, e: e, conv: flows.Conversation{Lang: lang, State: flows.StateMenu, Vars: map[string]string{}, DisclaimerShown: true}, at: now}
}

func (c *chat) send(text string) flows.Result {
	c.t.Helper()
	c.at = c.at.Add(time.Minute)
	res, err := c.e.Step(c.conv, flows.Input{Text: text, At: c.at})
	if err != nil {
		c.t.Fatalf("step %q: %v", text, err)
	}
	c.conv = res.Conv
	c.log = append(c.log, res)
	return res
}

func (c *chat) expectState(want string) {
	c.t.Helper()
	if c.conv.State != want {
		last := c.log[len(c.log)-1]
		c.t.Fatalf("state = %s, want %s; replies: %q", c.conv.State, want, texts(last))
	}
}

func texts(r flows.Result) []string {
	out := make([]string, len(r.Replies))
	for i, rep := range r.Replies {
		out[i] = rep.Text
	}
	return out
}

func ids(r flows.Result) []string {
	out := make([]string, len(r.Replies))
	for i, rep := range r.Replies {
		out[i] = rep.ID
	}
	return out
}

func submitted(r flows.Result) (flows.Event, bool) {
	for _, ev := range r.Events {
		if ev.Type == flows.EventReportSubmitted {
			return ev, true
		}
	}
	return flows.Event{}, false
}

func TestIntakeFlowEnglishDC(t *testing.T) {
	e := newEngine(t)
	c := newChat(t, e, locales.English)
	narrative1 := "My landlord said he does not rent to people with vouchers."
	narrative2 := "'); DROP TABLE reports;-- <script>alert(1)</script>"
	c.send("4")
	c.expectState("intake.category")
	c.send("1")
	c.expectState("intake.what")
	c.send(narrative1)
	c.send(narrative2)
	c.expectState("intake.what")
	c.send("done")
	c.expectState("intake.when")
	c.send("yesterday")
	c.expectState("intake.place")
	c.send("my zip is 20001")
	c.expectState("intake.who")
	if c.conv.Vars["jurisdiction"] != "dc" || c.conv.Vars["zip"] != "20001" {
		t.Fatalf("place vars: %v", c.conv.Vars)
	}
	c.send("landlord")
	c.expectState("intake.who_name")
	c.send("Acme Property LLC")
	c.expectState("intake.trait")
	// DC's list: 23 traits, then "not sure".
	res := c.log[len(c.log)-1]
	if last := res.Replies[len(res.Replies)-1].Text; !strings.Contains(last, "24. ") {
		t.Fatalf("DC trait list should have 23 traits and 'not sure': %q", last)
	}
	c.send("17") // source of income
	if c.conv.Vars["protected_trait"] != "source-of-income" {
		t.Fatalf("trait = %q", c.conv.Vars["protected_trait"])
	}
	c.expectState("intake.contact")
	c.send("2")
	c.expectState("intake.phone")
	c.send("12")
	c.expectState("intake.phone")
	c.send("(202) 555-0100")
	c.expectState("intake.safe_times")
	c.send("after 6pm")
	c.expectState("intake.consent")
	c.send("yes")
	c.expectState("intake.summary")
	sum := c.log[len(c.log)-1]
	all := strings.Join(texts(sum), "\n")
	for _, want := range []string{"Housing", "2026-11-21", "20001 (Washington, DC)", "Landlord", "Another phone number", "DC Office of Human Rights"} {
		if !strings.Contains(all, want) {
			t.Errorf("summary lacks %q:\n%s", want, all)
		}
	}
	res = c.send("1")
	ev, ok := submitted(res)
	if !ok {
		t.Fatalf("no report event; replies %q", texts(res))
	}
	if ev.Vars["ref"] == "" || !intake.ReferencePattern.MatchString(ev.Vars["ref"]) || !strings.HasPrefix(ev.Vars["ref"], "DC-") {
		t.Fatalf("ref = %q", ev.Vars["ref"])
	}
	if ev.Vars["narrative"] != narrative1+"\n"+narrative2 {
		t.Fatalf("narrative not kept verbatim: %q", ev.Vars["narrative"])
	}
	conf := strings.Join(texts(res), "\n")
	if !strings.Contains(conf, ev.Vars["ref"]) || !strings.Contains(conf, "DC Office of Human Rights") {
		t.Fatalf("confirmation: %q", conf)
	}
	assertNoNarrative(t, c, narrative1, narrative2, narrative1[:20], "DROP TABLE")
	// After filing: the menu's choices, not the whole menu (the SMS
	// budget of the confirmation).
	c.expectState("intake.filed")
	if _, left := c.conv.Vars["narrative"]; left {
		t.Fatalf("narrative left in the saved conversation")
	}
}

// assertNoNarrative checks that no reply after the narrative was collected
// repeats any of it (a shared phone's lock screen shows replies).
func assertNoNarrative(t *testing.T, c *chat, parts ...string) {
	t.Helper()
	for _, res := range c.log {
		for _, rep := range res.Replies {
			for _, p := range parts {
				if strings.Contains(rep.Text, p) {
					t.Fatalf("reply %s repeats the narrative: %q", rep.ID, rep.Text)
				}
			}
		}
	}
}
