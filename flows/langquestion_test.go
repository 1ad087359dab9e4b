package flows_test

import (
	"testing"
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
)

// A first message detection is not sure of gets one short question for the
// languages it points to, and the answer sets the language.
func TestFirstMessageLanguageQuestion(t *testing.T) {
	e, _ := contentEngine(t)
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		first, state, reply string
		lang                locales.Lang
	}{
		{"您好", flows.StateLanguageVariants + "zh", "2", locales.ChineseTraditional},
		{"你好", flows.StateLanguageVariants + "zh", "1", locales.ChineseSimplified},
		{"selam", flows.StateLanguageOffer + "am", "1", locales.Amharic},
		{"annyeonghaseyo", flows.StateLanguageOffer + "ko", "1", locales.Korean},
		{"si", flows.StateLanguage, "2", locales.Spanish},
		{"ok", flows.StateLanguage, "8", locales.French},
	}
	for _, c := range cases {
		res, err := e.Step(flows.Conversation{}, flows.Input{Text: c.first, At: now})
		if err != nil {
			t.Fatal(err)
		}
		if res.Conv.State != c.state {
			t.Errorf("%q: state %s; want %s", c.first, res.Conv.State, c.state)
			continue
		}
		res, err = e.Step(res.Conv, flows.Input{Text: c.reply, At: now.Add(time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Conv.Lang != c.lang || res.Conv.State != flows.StateMenu {
			t.Errorf("%q then %q: lang %s state %s; want %s at the menu", c.first, c.reply, res.Conv.Lang, res.Conv.State, c.lang)
		}
	}
	// "2" to the Amharic offer shows the whole language menu.
	res, _ := e.Step(flows.Conversation{}, flows.Input{Text: "selam", At: now})
	res, _ = e.Step(res.Conv, flows.Input{Text: "2", At: now})
	if res.Conv.State != flows.StateLanguage {
		t.Errorf("selam then 2: state %s; want the language menu", res.Conv.State)
	}
	// Vietnamese greetings, with or without accents, are Vietnamese.
	for _, g := range []string{"chào", "Chào", "chào anh", "chao anh", "Xin chào"} {
		res, _ := e.Step(flows.Conversation{}, flows.Input{Text: g, At: now})
		if res.Conv.Lang != locales.Vietnamese || res.Conv.State != flows.StateMenu {
			t.Errorf("%q: lang %s state %s; want vi at the menu", g, res.Conv.Lang, res.Conv.State)
		}
	}
}
