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
		{locales.English, "the county welfare office", "agency"},
		{locales.Spanish, "los policías de la ciudad", "police"},
		{locales.Spanish, "la chota", "police"},
		{locales.French, "les flics de la ville", "police"},
		{locales.French, "mon patron", "employer"},
		{locales.French, "le proprio", "landlord"},
		{locales.French, "la mairie", "agency"},
		{locales.Vietnamese, "cảnh sát thành phố", "police"},
		{locales.Vietnamese, "cong an thanh pho", "police"},
		{locales.Vietnamese, "chủ nhà", "landlord"},
		{locales.Vietnamese, "sếp tôi", "employer"},
		{locales.Korean, "시 경찰", "police"},
		{locales.Korean, "집주인", "landlord"},
		{locales.Korean, "사장님", "employer"},
		{locales.Korean, "시청", "agency"},
		{locales.Amharic, "የከተማው ፖሊስ", "police"},
		{locales.Amharic, "አከራዬ", "landlord"},
		{locales.Amharic, "አለቃዬ", "employer"},
		{locales.ChineseTraditional, "房東", "landlord"},
		{locales.ChineseTraditional, "警察局的人", "police"},
		{locales.ChineseTraditional, "老闆", "employer"},
		{locales.ChineseSimplified, "房东", "landlord"},
		{locales.ChineseSimplified, "市里的警察", "police"},
		{locales.ChineseSimplified, "警察局的人", "police"},
		{locales.ChineseSimplified, "老板", "employer"},
	} {
		for i := 0; i < 200; i++ {
			res, err := e.Step(flows.Conversation{Lang: c.lang, State: "intake.who", LastActive: now, Vars: map[string]string{}}, flows.Input{Text: c.text, At: now})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Conv.Vars["respondent_type"]; got != c.who {
				t.Errorf("%s %q (run %d) = %q; want %q", c.lang, c.text, i, got, c.who)
				break
			}
		}
	}
}
