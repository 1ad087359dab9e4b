package flows_test

import (
	"slices"
	"testing"

	"github.com/rightsline/rightsline/locales"
)

// contextCases are texts whose answer the context rules of
// locales/match/rules.toml decide: a word of two meanings read by the
// words around it (kicked out of a home, not a job; a landlord putting
// belongings out, not a sweep), a right to housing rather than a bed
// tonight, help asked while sleeping in a car, where to take a complaint.
var contextCases = []struct {
	lang       locales.Lang
	text, want string
}{
	{locales.English, "my landlord kicked me out of my apartment", "housing.eviction"},
	{locales.Spanish, "el casero me corrio del apartamento", "housing.eviction"},
	{locales.French, "le proprio m'a viré de mon appart", "housing.eviction"},
	{locales.Vietnamese, "chủ nhà đuổi tôi ra khỏi nhà", "housing.eviction"},
	{locales.Amharic, "አከራዩ ከቤቴ አባረረኝ", "housing.eviction"},
	{locales.English, "my landlord threw my things out on the sidewalk", "housing.eviction"},
	{locales.ChineseSimplified, "房东把我的东西扔到外面了", "housing.eviction"},
	{locales.English, "do homeless people have a right to housing", "housing.right"},
	{locales.French, "est-ce que j'ai droit à un logement", "housing.right"},
	{locales.English, "im sleeping in my car who can help me", "homeless.help"},
	{locales.Spanish, "duermo en mi carro quien me puede ayudar", "homeless.help"},
	{locales.English, "which office takes discrimination complaints", "discrim.place"},
	{locales.Spanish, "a quien le pongo una queja de discriminacion", "discrim.place"},
}

// TestContextRules checks that the context rules land each case on its
// answer, first in the matcher's ranking.
func TestContextRules(t *testing.T) {
	e, _ := contentEngine(t)
	for _, c := range contextCases {
		if m := e.ClassifyTopic(c.lang, c.text); m.Best != c.want {
			t.Errorf("%s %q: best %s (then %s, %s); want %s", c.lang, c.text, m.Best, m.Second, m.Confidence, c.want)
		}
	}
}

// TestRuleGroupsShared: a word group named by several rules is one mark,
// so rules may share groups beyond the 32 marks there are (the context
// rules name the same groups for the answer they raise and the one they
// lower).
func TestRuleGroupsShared(t *testing.T) {
	u, err := locales.LoadUnderstanding()
	if err != nil {
		t.Fatal(err)
	}
	r := u.Rules.Rules[0]
	for range 40 {
		u.Rules.Rules = append(u.Rules.Rules, r)
	}
	e, _ := contentEngineWith(t, u)
	if m := e.ClassifyTopic(locales.English, "my landlord kicked me out of my apartment"); m.Best != "housing.eviction" {
		t.Errorf("with the rules repeated: best %s; want housing.eviction", m.Best)
	}
}

// unseenCases are tuned example phrases the context rules decide when the
// matcher has not learnt them: TestContextRulesUnseen builds it without
// them, as the cross-validated figure does.
var unseenCases = []struct {
	lang        locales.Lang
	state, text string
}{
	{locales.Amharic, "housing.eviction", "ከቤቴ አባረሩኝ"},
	{locales.Vietnamese, "housing.eviction", "chủ nhà vứt đồ của tôi ra ngoài đường"},
	{locales.French, "housing.fair", "il me loue pas parce que je parle pas bien anglais"},
	{locales.ChineseSimplified, "housing.fair", "因为我是亚洲人押金要多交"},
	{locales.English, "housing.fair", "they charge me more deposit because i am hispanic"},
	{locales.Korean, "housing.right", "정부가 노숙자에게 집을 줘야 하나요"},
	{locales.French, "homeless.help", "qui peut m'aider je dors dans ma voiture"},
	{locales.Spanish, "discrim.place", "que oficina recibe quejas aqui"},
	{locales.French, "housing.retaliation", "j'ai denonce le proprio et il m'a mis dehors"},
	{locales.Spanish, "discrim.gov", "el empleado de la ciudad atraso mi permiso porque soy musulman"},
	{locales.Vietnamese, "discrim.public", "khách sạn nói hết phòng rồi lại cho người da trắng sau tôi một phòng"},
	{locales.Spanish, "housing.eviction", "el dueño me dijo que tengo 30 dias para irme porque vendio el edificio"},
	{locales.Vietnamese, "discrim.gov", "họ từ chối giấy phép vì tôn giáo của tôi"},
	{locales.Korean, "housing.retaliation", "항의했다고 집주인이 내쫓아도 돼요?"},
	{locales.Korean, "housing.retaliation", "점검 받은 뒤로 집주인이 제 주차 자리를 뺏고 온수를 끊어요"},
	{locales.French, "housing.retaliation", "depuis ma plainte il fait plus aucune reparation et il rentre chez moi sans prevenir"},
	{locales.Amharic, "housing.right", "ቤት አልባ መሆኔ መብቴ እንደተጣሰ ይቆጠራል?"},
	{locales.Amharic, "discrim.work", "ድርጅቱ በዘሬ ምክንያት ያድለኛል"},
	{locales.Vietnamese, "housing.eviction", "chủ nhà không cho tôi vào nhà"},
	{locales.ChineseSimplified, "housing.eviction", "房东不让我进屋"},
	{locales.English, "housing.eviction", "no water no heat he shut everything off so we leave"},
	{locales.French, "homeless.camping", "ils ont interdit les tentes dans toute la ville"},
	{locales.French, "homeless.camping", "planter une tente dehors c'est devenu un delit ?"},
}

// TestContextRulesUnseen checks the context rules on phrases the matcher
// is built without.
func TestContextRulesUnseen(t *testing.T) {
	u, err := locales.LoadUnderstanding()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range unseenCases {
		for i := range u.Examples[c.lang].Topics {
			tp := &u.Examples[c.lang].Topics[i]
			tp.Tuned = slices.DeleteFunc(tp.Tuned, func(p string) bool { return p == c.text })
		}
	}
	e, _ := contentEngineWith(t, u)
	for _, c := range unseenCases {
		if m := e.ClassifyTopic(c.lang, c.text); m.Best != c.state {
			t.Errorf("%s %q: best %s (then %s, %s); want %s", c.lang, c.text, m.Best, m.Second, m.Confidence, c.state)
		}
	}
}
