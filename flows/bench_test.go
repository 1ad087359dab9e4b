package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/locales"
)

// BenchmarkClassify measures one free-text classification (the matcher
// alone) on one-liners and long stories, per language:
//
//	go test ./flows -run '^$' -bench Classify -benchmem
//
// The machine is shared, so each figure is also given as a ratio to a
// baseline measured in the same run ("x-baseline": lower-casing the long
// English story and cutting it into words, the least any reader of the
// text does).
func BenchmarkClassify(b *testing.B) {
	e, _ := contentEngine(&testing.T{})
	texts := []struct {
		name string
		l    locales.Lang
		text string
	}{
		{"en-short", locales.English, "my landlord changed the locks"},
		{"en-story", locales.English, enStory},
		{"es-short", locales.Spanish, "me cambiaron la chapa y no puedo entrar"},
		{"es-story", locales.Spanish, "pues vivo aqui hace 3 años y desde el invierno no sirve la calefaccion y hay moho en el baño, mis hijos se enferman, llame al inspector de la ciudad en octubre y ahora el dueño dice que no me renueva el contrato y me subio la renta 300 dolares, trabajo de noche y no puedo buscar otro lugar, que hago"},
		{"fr-short", locales.French, "mon proprio a change la serrure"},
		{"vi-short", locales.Vietnamese, "chu nha thay o khoa khong cho toi vao"},
		{"zh-short", locales.ChineseSimplified, "房东换了锁我进不去"},
		{"zh-story", locales.ChineseSimplified, "我在这里住了三年，去年冬天暖气坏了，浴室发霉，孩子们老是生病。十月我打电话给市政府的检查员，现在房东说不给我续约，还涨了三百块房租。我上夜班，没时间找新地方，我该怎么办？"},
		{"ko-short", locales.Korean, "집주인이 자물쇠를 바꿨어요"},
		{"ko-story", locales.Korean, "여기서 3년 살았는데 지난겨울부터 난방이 안 되고 화장실에 곰팡이가 있어요. 애들이 계속 아파요. 10월에 시청 검사관에게 신고했더니 집주인이 재계약을 안 해준다고 하고 월세를 300달러 올렸어요. 밤에 일해서 새 집을 찾을 시간이 없어요. 어떻게 해야 하나요"},
		{"am-short", locales.Amharic, "አከራዩ ቁልፉን ቀየረ"},
		{"am-story", locales.Amharic, "እዚህ ቤት ለሶስት ዓመት ኖሬአለሁ ባለፈው ክረምት ማሞቂያው ተበላሸ መታጠቢያ ቤቱ ሻጋታ ሞላው ልጆቼ ሁልጊዜ ይታመማሉ በጥቅምት ለከተማው ተቆጣጣሪ አመለከትኩ አሁን አከራዩ ውሉን አላድስም አለ ኪራዩንም በ300 ዶላር ጨመረ ማታ ስለምሰራ አዲስ ቤት መፈለግ አልችልም ምን ላድርግ"},
	}
	const baseRuns = 20000
	start := time.Now()
	for i := 0; i < baseRuns; i++ {
		sink = strings.Fields(strings.ToLower(enStory))
	}
	baseNs := float64(time.Since(start).Nanoseconds()) / baseRuns
	for _, c := range texts {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_ = e.ClassifyTopic(c.l, c.text)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/baseNs, "x-baseline")
		})
	}
}

const enStory = "so i been living here 3 years and last winter the heat stopped working and theres mold in the bathroom, my kids are sick all the time, i called the city inspector in october and now the landlord says he will not renew my lease and he raised the rent 300 dollars, i work nights and cant be looking for a new place, what can i do"

// sink keeps the baseline's work from being optimised away.
var sink []string
