package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
)

// "Nowhere to sleep tonight", in every language and as residents write it,
// reaches the where-to-get-help answer with 2-1-1 (issue 12: vi and am were
// not understood), as a first message and from another topic's menu.
func TestNowhereToSleepTonightReaches211(t *testing.T) {
	e, _ := contentEngine(t)
	now := time.Date(2026, 11, 22, 21, 0, 0, 0, time.UTC)
	phrases := map[locales.Lang][]string{
		locales.English:            {"nowhere to sleep tonight", "i got no place to sleep tonite", "where can i sleep tonight"},
		locales.Spanish:            {"no tengo donde dormir esta noche", "no tengo donde quedarme hoy en la noche", "donde puedo dormir hoy"},
		locales.French:             {"je n'ai nulle part où dormir ce soir", "pas d'endroit pour dormir cette nuit", "ou dormir ce soir"},
		locales.Vietnamese:         {"tối nay tôi không có chỗ ngủ", "toi nay khong co cho ngu", "đêm nay không có chỗ ở"},
		locales.Korean:             {"오늘 밤 잘 곳이 없어요", "오늘밤 잘데가 없어요", "오늘 어디서 자야 할지 몰라요"},
		locales.Amharic:            {"ዛሬ ማታ የማድርበት የለኝም", "ዛሬ ሌሊት የምተኛበት ቦታ የለኝም", "የምተኛበት ቦታ የለም"},
		locales.ChineseSimplified:  {"今晚没地方睡", "今天晚上没有地方住", "今晚睡哪里"},
		locales.ChineseTraditional: {"今晚沒地方睡", "今天晚上沒有地方住", "今晚睡哪裡"},
	}
	for _, l := range locales.All {
		if len(phrases[l]) == 0 {
			t.Errorf("%s: no phrases", l)
		}
		for _, p := range phrases[l] {
			for _, conv := range []flows.Conversation{
				{Lang: l},
				{Lang: l, State: "housing.menu", LastActive: now, Vars: map[string]string{}},
			} {
				res, err := e.Step(conv, flows.Input{Text: p, At: now})
				if err != nil {
					t.Fatal(err)
				}
				if res.Conv.State != "homeless.help" {
					t.Errorf("%s %q from %q: %s %v; want homeless.help", l, p, conv.State, res.Conv.State, res.Conv.Suggest)
					continue
				}
				said := false
				for _, r := range res.Replies {
					if r.ID == "homeless.help" && strings.Contains(r.Text, "2-1-1") {
						said = true
					}
				}
				if !said {
					t.Errorf("%s %q: the answer does not give 2-1-1: %+v", l, p, res.Replies)
				}
			}
		}
	}
}
