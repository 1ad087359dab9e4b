package flows_test

import (
	"testing"

	"github.com/rightsline/rightsline/locales"
)

// BenchmarkClassify measures one free-text classification (the matcher
// alone) on a one-liner and on a long story, per language:
//
//	go test ./flows -run '^$' -bench Classify -benchmem
func BenchmarkClassify(b *testing.B) {
	e, _ := contentEngine(&testing.T{})
	texts := map[string]struct {
		l    locales.Lang
		text string
	}{
		"en-short": {locales.English, "my landlord changed the locks"},
		"en-story": {locales.English, "so i been living here 3 years and last winter the heat stopped working and theres mold in the bathroom, my kids are sick all the time, i called the city inspector in october and now the landlord says he will not renew my lease and he raised the rent 300 dollars, i work nights and cant be looking for a new place, what can i do"},
		"es-short": {locales.Spanish, "me cambiaron la chapa y no puedo entrar"},
		"zh-short": {locales.ChineseSimplified, "房东换了锁我进不去"},
		"ko-short": {locales.Korean, "집주인이 자물쇠를 바꿨어요"},
		"am-short": {locales.Amharic, "አከራዩ ቁልፉን ቀየረ"},
		"vi-short": {locales.Vietnamese, "chu nha thay o khoa khong cho toi vao"},
	}
	for name, c := range texts {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_ = e.ClassifyTopic(c.l, c.text)
			}
		})
	}
}
