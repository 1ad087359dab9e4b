package locales

import (
	"fmt"
	"slices"
	"testing"
)

// detectCase is one first message and what detection must make of it:
// a language it is sure of, languages to offer, or neither (ask).
type detectCase struct {
	text  string
	sure  Lang
	offer []Lang
}

func sure(l Lang, texts ...string) []detectCase {
	var out []detectCase
	for _, t := range texts {
		out = append(out, detectCase{text: t, sure: l})
	}
	return out
}

func offer(ls []Lang, texts ...string) []detectCase {
	var out []detectCase
	for _, t := range texts {
		out = append(out, detectCase{text: t, offer: ls})
	}
	return out
}

// detectTable holds at least 15 first messages per language, as people
// send them: greetings with and without accents, one-liners, mixed
// scripts, and the short words that must never decide.
var detectTable = map[string][]detectCase{
	"en": sure(English, "hi", "Hello", "hey there", "help", "my landlord changed the locks", "I need help with my rent",
		"cops took my tent", "i got fired", "is it legal to sleep in my car", "what are my rights", "I'm being evicted",
		"good morning i have a question", "they wont fix the heat", "please help me", "i want to file a report", "hello?"),
	"es": sure(Spanish, "hola", "Hola buenas", "buenos dias", "necesito ayuda", "me cambiaron la cerradura", "el dueño no arregla nada",
		"la policia se llevo mi carpa", "me despidieron del trabajo", "¿qué derechos tengo?", "quiero poner una queja",
		"Buenas tardes señor", "tengo un problema con mi casero", "gracias", "español", "sí, quiero ayuda"),
	"zh-Hans": sure(ChineseSimplified, "房东换了锁", "我需要帮助", "警察拿走了我的帐篷", "我想问一个问题", "简体中文",
		"我被开除了", "房东不修暖气", "我要投诉", "谢谢", "你们好吗", "这里可以帮我吗", "我的 landlord 换了锁",
		"请问怎么报告", "我没有地方住", "老板骚扰我", "您好，我想问"),
	"zh-Hant": sure(ChineseTraditional, "房東換了鎖", "我需要幫助", "警察拿走了我的帳篷", "我想問一個問題", "繁體中文",
		"我被開除了", "房東不修暖氣", "我要檢舉", "謝謝", "你們好嗎", "這裡可以幫我嗎", "佢哋唔俾我入屋",
		"請問怎麼報告", "我沒有地方住", "老闆騷擾我"),
	"zh": offer([]Lang{ChineseSimplified, ChineseTraditional}, "您好", "你好", "中文", "你好！", "您好 我想", "我不知道", "早上好", "我要住房", "您好！", "晚上好"),
	"vi": sure(Vietnamese, "chào", "Chào", "chào anh", "Chào chị", "chao anh", "xin chào", "Xin chao", "Chào em ạ",
		"chủ nhà thay ổ khóa", "toi bi duoi khoi nha", "Tôi cần giúp đỡ", "cảm ơn", "tiếng việt", "toi can giup",
		"chao ban", "Tôi không hiểu", "chào buổi sáng", "chao buoi sang", "Chào cô", "chào bác ạ"),
	"ko": sure(Korean, "안녕하세요", "안녕", "집주인이 자물쇠를 바꿨어요", "도와주세요", "한국어", "DC에 살아요",
		"경찰이 텐트를 가져갔어요", "해고당했어요", "감사합니다", "여보세요", "질문 있어요", "신고하고 싶어요",
		"월세가 올랐어요", "차에서 자요", "네 한국어로요"),
	"ko-offer": offer([]Lang{Korean}, "annyeong", "annyeonghaseyo", "Anyonghaseyo", "annyong haseyo", "korean please", "annyeong haseyo"),
	"am": sure(Amharic, "ሰላም", "ሰላም ነው", "አከራዩ ቁልፉን ቀየረ", "እርዳታ እፈልጋለሁ please", "አማርኛ", "ጤና ይስጥልኝ",
		"ፖሊስ ድንኳኔን ወሰደ", "ከሥራ ተባረርኩ", "አመሰግናለሁ", "ሪፖርት ማድረግ እፈልጋለሁ", "ቤት የለኝም",
		"ሐሎ", "እንዴት ነህ", "ኪራይ ጨመረ", "መብቴ ምንድነው"),
	"am-offer": offer([]Lang{Amharic}, "selam", "Selam", "selam new", "tena yistilign", "amharic", "salam", "selam endet neh"),
	"fr": sure(French, "bonjour", "Bonjour madame", "bonsoir", "salut", "j'ai besoin d'aide", "mon propriétaire a changé les serrures",
		"la police a pris ma tente", "j'ai été licencié", "merci", "français", "je veux porter plainte",
		"il fait froid chez moi et le chauffage est en panne", "c'est urgent", "allô, je suis à la rue", "s'il vous plaît aidez moi"),
	"ask": offer(nil, "si", "Si", "ok", "OK", "okay", "alo", "Alo", "allo", "alô", "no", "ya", "k", "zzzz", "123", "👍", "こんにちは", "sí", "Ok!"),
}

// TestDetectTable runs the detection table and prints the accuracy per
// group; every case must be right.
func TestDetectTable(t *testing.T) {
	total, right := 0, 0
	for _, group := range []string{"en", "es", "zh-Hans", "zh-Hant", "zh", "vi", "ko", "ko-offer", "am", "am-offer", "fr", "ask"} {
		cases := detectTable[group]
		n := 0
		for _, c := range cases {
			d := DetectLang(c.text)
			ok := d.Sure == (c.sure != "") && d.Lang == c.sure && slices.Equal(d.Offer, c.offer)
			if ok {
				n++
			} else {
				t.Errorf("DetectLang(%q) = %+v; want sure %q offer %v", c.text, d, c.sure, c.offer)
			}
		}
		total += len(cases)
		right += n
		t.Logf("detect %-9s %d/%d", group, n, len(cases))
	}
	t.Logf("detect total %d/%d", right, total)
	for _, l := range All {
		n := 0
		for group, cases := range detectTable {
			for _, c := range cases {
				if c.sure == l || slices.Contains(c.offer, l) || (group == "ask" && false) {
					n++
				}
			}
		}
		if n < 15 {
			t.Errorf("%s: %d detection cases; want at least 15", l, n)
		}
	}
	_ = fmt.Sprint
}
