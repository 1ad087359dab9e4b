package locales

import (
	"strings"
	"unicode"
)

// Detect guesses the language of a first message from its script, a few
// characters that tell Simplified from Traditional Chinese, Vietnamese
// letters, or common words. It returns false when it cannot tell; the
// caller then asks with a language menu.
func Detect(text string) (Lang, bool) {
	var han, hangul, ethiopic, viet int
	simp, trad := 0, 0
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Hangul, r):
			hangul++
		case unicode.Is(unicode.Ethiopic, r):
			ethiopic++
		case unicode.Is(unicode.Han, r):
			han++
			if strings.ContainsRune(simplifiedOnly, r) {
				simp++
			}
			if strings.ContainsRune(traditionalOnly, r) {
				trad++
			}
		case strings.ContainsRune(vietnameseLetters, unicode.ToLower(r)):
			viet++
		}
	}
	switch {
	case hangul > 0 && hangul >= han:
		return Korean, true
	case ethiopic > 0:
		return Amharic, true
	case han > 0:
		if trad > simp {
			return ChineseTraditional, true
		}
		return ChineseSimplified, true
	case viet > 0:
		return Vietnamese, true
	}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	score := map[Lang]int{}
	for _, w := range words {
		if l, ok := commonWords[w]; ok {
			score[l]++
		}
	}
	best, bestN := Lang(""), 0
	for _, l := range All {
		if score[l] > bestN {
			best, bestN = l, score[l]
		}
	}
	return best, bestN > 0
}

// Letters used in Vietnamese and not in the other supported Latin-script
// languages (ă â đ ê ô ơ ư and the tone marks on them).
const vietnameseLetters = "ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"

// A few frequent characters whose forms differ between Simplified and
// Traditional Chinese.
const simplifiedOnly = "们这个来时说对会为发现问题关门钥锁东西帮助权利房东驱逐搬赶修报警务员没还请让给见谁动车语言"
const traditionalOnly = "們這個來時說對會為發現問題關門鑰鎖東西幫助權利房東驅逐搬趕修報警務員沒還請讓給見誰動車語言"

// Words common in one supported Latin-script language and rare in the others.
var commonWords = map[string]Lang{
	"hola": Spanish, "ayuda": Spanish, "necesito": Spanish, "tengo": Spanish, "dueño": Spanish, "casero": Spanish, "desalojo": Spanish, "gracias": Spanish, "buenos": Spanish, "buenas": Spanish, "español": Spanish, "quiero": Spanish, "mi": Spanish, "cambiaron": Spanish, "cerradura": Spanish, "policía": Spanish, "trabajo": Spanish, "vivienda": Spanish,
	"bonjour": French, "salut": French, "aide": French, "besoin": French, "propriétaire": French, "expulsion": French, "merci": French, "français": French, "je": French, "suis": French, "mon": French, "logement": French, "travail": French,
	"hello": English, "hi": English, "help": English, "landlord": English, "eviction": English, "my": English, "rights": English, "housing": English, "english": English,
}
