package intake_test

import (
	"testing"
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
)

// Respondent words map to the same respondent every time: the longest
// keyword wins and, of equally long ones, the choice listed first
// (issue 9: "the city cops" was police 193 times in 200).
func TestRespondentWordsAreDeterministic(t *testing.T) {
	e := newEngine(t)
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		lang      locales.Lang
		text, who string
	}{
		{locales.English, "the city cops", "police"},
		{locales.English, "city police officer", "police"},
		{locales.English, "my boss at work", "employer"},
		{locales.Spanish, "mi patrón", "employer"},
		{locales.Spanish, "el casero", "landlord"},
		{locales.ChineseTraditional, "房東", "landlord"},
		{locales.ChineseSimplified, "房东", "landlord"},
	} {
		for i := 0; i < 200; i++ {
			res, err := e.Step(flows.Conversation{Lang: c.lang, State: "intake.who", LastActive: now, Vars: map[string]string{}}, flows.Input{Text: c.text, At: now})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Conv.Vars["respondent_type"]; got != c.who {
				t.Fatalf("%s %q (run %d) = %q; want %q", c.lang, c.text, i, got, c.who)
			}
		}
	}
}
