package flows_test

import (
	"testing"
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
)

// freeText lists what residents write in their own words and the answer it
// must land on. Phrases are written as people text: without the legal
// words, often without accents.
var freeText = map[locales.Lang][]struct{ text, want string }{
	locales.English: {
		{"my landlord changed the locks", "housing.eviction"},
		{"police took my tent", "homeless.sweeps"},
		{"landlord wont fix the mold in my bathroom", "housing.repairs"},
		{"I got fired because of my religion", "discrim.work"},
		{"they won't rent to me because I have kids", "housing.fair"},
		{"the restaurant refused service to me and my friend", "discrim.public"},
		{"cop gave me a ticket for sleeping in my car", "homeless.camping"},
		{"they cut off my electricity", "housing.eviction"},
		{"my landlord raised my rent after I complained", "housing.retaliation"},
		{"is it legal to ask for money on the street", "homeless.panhandling"},
		{"there was no interpreter at the benefits office", "discrim.gov"},
	},
	locales.Spanish: {
		{"me cambiaron la cerradura", "housing.eviction"},
		{"la policia se llevo mi carpa", "homeless.sweeps"},
		{"el dueño no quiere arreglar el moho", "housing.repairs"},
		{"me despidieron por ser mujer", "discrim.work"},
		{"no me quieren rentar porque tengo niños", "housing.fair"},
		{"en el restaurante no me quisieron atender", "discrim.public"},
		{"me multaron por dormir en mi carro", "homeless.camping"},
		{"el casero me corto la luz", "housing.eviction"},
		{"en la oficina de beneficios no habia interprete", "discrim.gov"},
	},
	locales.French: {
		{"mon propriétaire a changé les serrures", "housing.eviction"},
		{"la police a pris ma tente", "homeless.sweeps"},
		{"il y a de la moisissure et le propriétaire ne répare pas", "housing.repairs"},
		{"j'ai été licencié à cause de ma religion", "discrim.work"},
		{"il refuse de me louer parce que j'ai des enfants", "housing.fair"},
		{"le restaurant a refusé de me servir", "discrim.public"},
		{"je dors dans ma voiture et j'ai eu une amende", "homeless.camping"},
		{"on m'a coupé l'électricité", "housing.eviction"},
	},
	locales.Vietnamese: {
		{"chủ nhà thay ổ khóa", "housing.eviction"},
		{"cảnh sát lấy lều của tôi", "homeless.sweeps"},
		{"nhà bị nấm mốc mà chủ nhà không sửa", "housing.repairs"},
		{"tôi bị đuổi việc vì tôn giáo", "discrim.work"},
		{"họ không cho thuê vì tôi có con nhỏ", "housing.fair"},
		{"nhà hàng từ chối phục vụ tôi", "discrim.public"},
		{"tôi bị phạt vì ngủ trong xe", "homeless.camping"},
		{"chủ nhà cắt điện", "housing.eviction"},
	},
	locales.Korean: {
		{"집주인이 자물쇠를 바꿨어요", "housing.eviction"},
		{"경찰이 텐트를 가져갔어요", "homeless.sweeps"},
		{"곰팡이가 있는데 집주인이 안 고쳐줘요", "housing.repairs"},
		{"종교 때문에 회사에서 해고당했어요", "discrim.work"},
		{"아이가 있다고 세를 안 준대요", "housing.fair"},
		{"식당에서 서비스를 거부했어요", "discrim.public"},
		{"차에서 자다가 딱지를 받았어요", "homeless.camping"},
		{"집주인이 전기를 끊었어요", "housing.eviction"},
	},
	locales.ChineseSimplified: {
		{"房东换了锁", "housing.eviction"},
		{"警察拿走了我的帐篷", "homeless.sweeps"},
		{"房子发霉了房东不修", "housing.repairs"},
		{"我因为宗教被解雇了", "discrim.work"},
		{"房东因为我有小孩不租给我", "housing.fair"},
		{"餐馆拒绝服务我", "discrim.public"},
		{"我睡在车里被罚款", "homeless.camping"},
		{"房东把我的电断了", "housing.eviction"},
	},
	locales.ChineseTraditional: {
		{"房東換了鎖", "housing.eviction"},
		{"警察拿走了我的帳篷", "homeless.sweeps"},
		{"房子發霉了房東不修", "housing.repairs"},
		{"我因為宗教被解僱了", "discrim.work"},
		{"房東因為我有小孩不租給我", "housing.fair"},
		{"餐廳拒絕服務我", "discrim.public"},
		{"我睡在車裡被罰款", "homeless.camping"},
		{"房東斷了我的電", "housing.eviction"},
	},
	locales.Amharic: {
		{"አከራዩ ቁልፉን ቀየረ", "housing.eviction"},
		{"ፖሊስ ድንኳኔን ወሰደ", "homeless.sweeps"},
		{"ቤቱ ሻጋታ አለው አከራዩ አይጠግንም", "housing.repairs"},
		{"በሃይማኖቴ ምክንያት ከሥራ ተባረርኩ", "discrim.work"},
		{"ልጆች ስላሉኝ ሊያከራየኝ አልፈለገም", "housing.fair"},
		{"ምግብ ቤቱ አላስተናገዱኝም", "discrim.public"},
		{"መኪና ውስጥ እኖራለሁ ተቀጣሁ", "homeless.camping"},
		{"አከራዩ መብራት አቋረጠ", "housing.eviction"},
	},
}

// freeTextLands steps a conversation in lang, sitting at the main menu, with
// text and returns the state it lands in.
func freeTextLands(t *testing.T, e *flows.Engine, lang locales.Lang, text string) string {
	t.Helper()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	conv := flows.Conversation{Lang: lang, State: flows.StateMenu, LastActive: now, Vars: map[string]string{}}
	res, err := e.Step(conv, flows.Input{Text: text, At: now})
	if err != nil {
		t.Fatal(err)
	}
	return res.Conv.State
}

// Free text in every language lands on the right answer, from the main
// menu and as the very first message (language given by the channel).
func TestFreeTextLandsOnAnswer(t *testing.T) {
	e, _ := contentEngine(t)
	total, hits := 0, 0
	for _, l := range locales.All {
		cases := freeText[l]
		if len(cases) < 5 {
			t.Errorf("%s: only %d free-text phrases; want at least 5", l, len(cases))
		}
		langHits := 0
		for _, c := range cases {
			total++
			got := freeTextLands(t, e, l, c.text)
			if got == c.want {
				hits++
				langHits++
			} else {
				t.Errorf("%s %q landed on %s; want %s", l, c.text, got, c.want)
			}
			first, err := e.Step(flows.Conversation{Lang: l}, flows.Input{Text: c.text, At: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			if first.Conv.State != c.want {
				t.Errorf("%s first message %q landed on %s; want %s", l, c.text, first.Conv.State, c.want)
			}
		}
		t.Logf("free text %-7s %d/%d", l, langHits, len(cases))
	}
	t.Logf("free text total %d/%d land on the right answer", hits, total)
}

// Text that matches nothing gets "not understood" and the menu, which
// offers to file a report.
func TestFreeTextNoMatchOffersMenu(t *testing.T) {
	e, _ := contentEngine(t)
	for _, l := range locales.All {
		now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
		conv := flows.Conversation{Lang: l, State: flows.StateMenu, LastActive: now, Vars: map[string]string{}}
		res, err := e.Step(conv, flows.Input{Text: "zzzz qqqq", At: now})
		if err != nil {
			t.Fatal(err)
		}
		if res.Conv.State != flows.StateMenu || len(res.Replies) < 2 || res.Replies[0].ID != flows.MsgNotUnderstood || res.Replies[1].ID != "main.menu" {
			t.Errorf("%s: unmatched text gave state %s replies %v", l, res.Conv.State, res.Replies)
		}
	}
}

// A menu's number or exact keyword still picks the menu, even when a topic
// keyword would also match.
func TestMenuKeywordStillWorks(t *testing.T) {
	e, _ := contentEngine(t)
	for text, want := range map[string]string{"1": "housing.menu", "housing": "housing.menu", "police": "homeless.menu", "work": "discrim.menu"} {
		if got := freeTextLands(t, e, locales.English, text); got != want {
			t.Errorf("%q landed on %s; want %s", text, got, want)
		}
	}
}
