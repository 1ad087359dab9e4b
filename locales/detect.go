package locales

import (
	"strings"
	"unicode"
)

// Detection is what a first message tells of its language.
type Detection struct {
	// Lang is the language, when Sure.
	Lang Lang
	Sure bool
	// Offer lists the languages to offer with one short question when the
	// text points to them without deciding: Simplified and Traditional
	// Chinese for Chinese with no character that tells the scripts apart
	// ("您好"), Amharic or Korean for a greeting in Latin letters ("selam",
	// "annyeong").
	Offer []Lang
}

// Detect guesses the language of a first message; see DetectLang.
func Detect(text string) (Lang, bool) {
	d := DetectLang(text)
	return d.Lang, d.Sure
}

// DetectLang reads the language of a first message. The script decides
// first: Hangul is Korean, Ethiopic is Amharic, Han is Chinese (Simplified
// or Traditional by the characters that differ between the two, Cantonese
// characters counting as Traditional; with none of them, both are
// offered), and Vietnamese letters (ă đ ơ ư and tone marks) are
// Vietnamese. Latin text is scored by letters and words that belong to one
// of English, Spanish, French and Vietnamese written with or without
// accents (ñ ¿ ¡ á í ó ú, ç ê è â, "hola", "bonjour", "chào", "landlord"
// …). Greetings in Latin letters of Amharic and Korean offer that
// language. Short words several languages share ("si", "ok", "alo") never
// decide. It is not sure when it cannot tell, when two languages score the
// same, or for Japanese kana; the caller then asks, and the person can
// always reply LANGUAGE.
func DetectLang(text string) Detection {
	var han, hangul, ethiopic, viet, kana int
	var simp, trad int
	score := map[Lang]int{}
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Hangul, r):
			hangul++
		case unicode.Is(unicode.Ethiopic, r):
			ethiopic++
		case unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r):
			kana++
		case unicode.Is(unicode.Han, r):
			han++
			switch {
			case strings.ContainsRune(simplifiedOnly, r):
				simp++
			case strings.ContainsRune(traditionalOnly, r), strings.ContainsRune(cantoneseChars, r):
				trad++
			}
		default:
			lr := unicode.ToLower(r)
			switch {
			case strings.ContainsRune(vietnameseLetters, lr):
				viet++
			case strings.ContainsRune(spanishLetters, lr):
				score[Spanish]++
			case strings.ContainsRune(frenchLetters, lr):
				score[French]++
			}
		}
	}
	switch {
	case hangul > 0 && hangul >= han:
		return Detection{Lang: Korean, Sure: true}
	case ethiopic > 0 && ethiopic >= han:
		return Detection{Lang: Amharic, Sure: true}
	case kana > 0:
		return Detection{} // Japanese: not a supported language
	case han > 0:
		switch {
		case trad > simp:
			return Detection{Lang: ChineseTraditional, Sure: true}
		case simp > trad:
			return Detection{Lang: ChineseSimplified, Sure: true}
		}
		return Detection{Offer: []Lang{ChineseSimplified, ChineseTraditional}}
	case viet > 0:
		return Detection{Lang: Vietnamese, Sure: true}
	}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && r != '\'' && r != '’'
	})
	onlyShared := len(words) > 0
	roman := map[Lang]int{}
	for _, w := range words {
		w = strings.Trim(strings.ReplaceAll(w, "’", "'"), "'")
		f := MatchFold(w)
		if !sharedWords[f] {
			onlyShared = false
		}
		if l, ok := commonWords[w]; ok {
			score[l] += 2
		} else if f != w && vietnameseAccented[f] {
			score[Vietnamese] += 2
		}
		if l, ok := romanised[f]; ok {
			roman[l] += 2
		}
	}
	if onlyShared {
		return Detection{}
	}
	best, bestN, tie := Lang(""), 0, false
	for _, l := range All {
		switch n := score[l]; {
		case n > bestN:
			best, bestN, tie = l, n, false
		case n == bestN && n > 0:
			tie = true
		}
	}
	for _, l := range []Lang{Amharic, Korean} {
		if n := roman[l]; n > 0 && n >= bestN {
			return Detection{Offer: []Lang{l}}
		}
	}
	if tie || bestN == 0 {
		return Detection{}
	}
	return Detection{Lang: best, Sure: true}
}

// sharedWords are short words several of the languages use alike ("si"
// is Spanish and French, "alo" Vietnamese, Spanish and French, "ok"
// everyone's): a message of only these never decides (folded forms).
var sharedWords = map[string]bool{
	"si": true, "ok": true, "okay": true, "oki": true, "okey": true, "k": true, "alo": true, "allo": true,
	"no": true, "ya": true, "oh": true, "ah": true, "eh": true, "bye": true, "hmm": true, "la": true, "a": true,
}

// romanised are greetings and words of Amharic and Korean written in
// Latin letters, as on phones without those keyboards (folded forms).
var romanised = map[string]Lang{
	"selam": Amharic, "selamnew": Amharic, "salam": Amharic, "tenayistilign": Amharic, "tenastelign": Amharic,
	"tenayistiligne": Amharic, "yistilign": Amharic, "yistiligne": Amharic, "tenastilign": Amharic, "endemin": Amharic, "amharic": Amharic, "amharigna": Amharic, "amarigna": Amharic,
	"amaregna": Amharic, "ameseginalehu": Amharic, "amesegnalehu": Amharic, "dehna": Amharic,
	"annyeong": Korean, "annyeonghaseyo": Korean, "anyeonghaseyo": Korean, "annyonghaseyo": Korean, "anyonghaseyo": Korean,
	"annyong": Korean, "anyong": Korean, "annyung": Korean, "haseyo": Korean, "hangugeo": Korean, "hangukeo": Korean,
	"gamsahamnida": Korean, "kamsahamnida": Korean, "korean": Korean, "yeoboseyo": Korean,
}

// Letters used in Vietnamese and not in the other supported Latin-script
// languages (ă đ ơ ư and the tone marks; plain â ê ô are French too).
const vietnameseLetters = "ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"

// Letters that point to Spanish or to French among the Latin-script
// languages (é and ü are shared, so they count for neither).
const (
	spanishLetters = "ñ¿¡áíóú"
	frenchLetters  = "çèêëâîïôûœàù"
)

// Characters whose forms differ between Simplified and Traditional Chinese
// (each Simplified character at the same position as its Traditional
// form). Characters used in both scripts (后 里 干 发 游 …) are left out.
const simplifiedOnly = "们这个来时说对会为发现问题关门钥锁东帮权驱赶报务员没还请让给见谁动车语与业丢举书传侣兹内写决况击则别剧办劳区华协单厅参双号国场坏处学实寻导尽属岁师帐废开弃张归当录惩户执扰护拨挂损换据数断无机条构残毁气涨热状电码碍离种类约级经绝维编罚职联肤获营虫观规视觉计认讨记许论证识诉译话询该责贴费资踪轮达过进违适遗邮钱销长间际陈韩项须顿频饭馆骚鱼龄团园图伤环贫两爱听买卖医钟节样头边吗难欢谢点应从读习乐万专严义乡乱争亚产亲仅价众优伟体债儿党兴养农冲净减刚创剂劝势卫却厂历压县变叶吓启响围圆圣块坚声备夺奖妇妈孙宁宝审宽将尔层岛币带广庆异弹强忆忧怀态总恶惊惯愿战扩扫抢担拥择挤敌旧显暂术杀杂极标树桥梦检楼毕汉沟泪洁测济温湾湿满灭灯灵灾烟爷独猫画疗盖确礼积称稳穷笔简紧红纪纸线练组细织终结络统继续绿网罗脑脚脸艺药虽补装订训议讲设访评词试误课调谈负财败货质购贵赔转软轻较辆运远连迟选释针钢铁银错闭闹闻队阳阴险随顶顺顾预领颜风飞饮饿马验鸟鸡麦黄齐龙"
const traditionalOnly = "們這個來時說對會為發現問題關門鑰鎖東幫權驅趕報務員沒還請讓給見誰動車語與業丟舉書傳侶茲內寫決況擊則別劇辦勞區華協單廳參雙號國場壞處學實尋導盡屬歲師帳廢開棄張歸當錄懲戶執擾護撥掛損換據數斷無機條構殘毀氣漲熱狀電碼礙離種類約級經絕維編罰職聯膚獲營蟲觀規視覺計認討記許論證識訴譯話詢該責貼費資蹤輪達過進違適遺郵錢銷長間際陳韓項須頓頻飯館騷魚齡團園圖傷環貧兩愛聽買賣醫鐘節樣頭邊嗎難歡謝點應從讀習樂萬專嚴義鄉亂爭亞產親僅價眾優偉體債兒黨興養農衝淨減剛創劑勸勢衛卻廠歷壓縣變葉嚇啟響圍圓聖塊堅聲備奪獎婦媽孫寧寶審寬將爾層島幣帶廣慶異彈強憶憂懷態總惡驚慣願戰擴掃搶擔擁擇擠敵舊顯暫術殺雜極標樹橋夢檢樓畢漢溝淚潔測濟溫灣濕滿滅燈靈災煙爺獨貓畫療蓋確禮積稱穩窮筆簡緊紅紀紙線練組細織終結絡統繼續綠網羅腦腳臉藝藥雖補裝訂訓議講設訪評詞試誤課調談負財敗貨質購貴賠轉軟輕較輛運遠連遲選釋針鋼鐵銀錯閉鬧聞隊陽陰險隨頂順顧預領顏風飛飲餓馬驗鳥雞麥黃齊龍"

// Characters of written Cantonese, which Hong Kong residents write in
// Traditional script.
const cantoneseChars = "佢唔嘅咗喺冇睇嘢咁啲乜嚟哋"

// Words common in one supported Latin-script language and rare in the
// others. Words two of them share (la, de, en, no, me, police) are left out.
var commonWords = map[string]Lang{
	// Spanish
	"hola": Spanish, "ayuda": Spanish, "necesito": Spanish, "tengo": Spanish, "dueño": Spanish, "casero": Spanish,
	"desalojo": Spanish, "gracias": Spanish, "buenos": Spanish, "buenas": Spanish, "español": Spanish, "espanol": Spanish,
	"quiero": Spanish, "mi": Spanish, "cambiaron": Spanish, "cerradura": Spanish, "policía": Spanish, "policia": Spanish,
	"trabajo": Spanish, "vivienda": Spanish, "el": Spanish, "los": Spanish, "las": Spanish, "por": Spanish, "para": Spanish,
	"una": Spanish, "estoy": Spanish, "soy": Spanish, "casa": Spanish, "renta": Spanish, "alquiler": Spanish,
	"puedo": Spanish, "como": Spanish, "donde": Spanish, "porque": Spanish, "pero": Spanish, "muy": Spanish,
	"carpa": Spanish, "llevo": Spanish, "quitaron": Spanish, "despidieron": Spanish, "señor": Spanish, "usted": Spanish,
	"yo": Spanish, "nos": Spanish, "tiene": Spanish, "hay": Spanish, "dinero": Spanish, "calle": Spanish,
	// French
	"bonjour": French, "salut": French, "aide": French, "besoin": French, "propriétaire": French, "proprietaire": French,
	"merci": French, "français": French, "francais": French, "je": French, "j'ai": French, "suis": French, "mon": French,
	"ma": French, "mes": French, "logement": French, "travail": French, "le": French, "les": French, "des": French,
	"du": French, "une": French, "est": French, "et": French, "pour": French, "avec": French, "dans": French,
	"pas": French, "oui": French, "vous": French, "nous": French, "il": French, "elle": French, "c'est": French,
	"m'a": French, "serrures": French, "tente": French, "loyer": French, "expulsé": French, "licencié": French,
	"bonsoir": French, "s'il": French, "plaît": French, "qu'il": French, "ont": French, "sont": French,
	// English
	"hello": English, "hi": English, "hey": English, "help": English, "landlord": English, "eviction": English,
	"my": English, "rights": English, "housing": English, "english": English, "the": English, "is": English,
	"and": English, "to": English, "of": English, "i": English, "i'm": English, "im": English, "what": English,
	"how": English, "can": English, "please": English, "want": English, "need": English, "have": English,
	"with": English, "they": English, "was": English, "don't": English, "dont": English, "locks": English,
	"tent": English, "fired": English, "job": English, "rent": English, "took": English, "changed": English,
	"work": English, "apartment": English, "evicted": English, "kicked": English, "out": English, "am": English,
	// Vietnamese written without accents, as on many phones
	"toi": Vietnamese, "khong": Vietnamese, "duoc": Vietnamese, "cua": Vietnamese, "nguoi": Vietnamese,
	"chao": Vietnamese, "giup": Vietnamese, "nha": Vietnamese, "tieng": Vietnamese, "viet": Vietnamese,
	"duoi": Vietnamese, "xin": Vietnamese, "minh": Vietnamese,
	"anh": Vietnamese,
}

// vietnameseAccented are Vietnamese words, folded, that count only when
// written with their accents, which are also French letters ("chào" has
// the à of "voilà"; "on" alone is English, "ơn" Vietnamese).
var vietnameseAccented = map[string]bool{
	"chao": true, "anh": true, "chi": true, "em": true, "oi": true, "cam": true, "on": true, "da": true,
	"vang": true, "ban": true, "co": true, "ong": true, "toi": true, "khong": true, "nha": true, "giup": true,
}

// Detect guesses the language of a first message among the catalog's
// languages: a language languages.toml adds beyond the embedded ones, with
// a script of its own (Cyrillic, Arabic ...), is recognised by that script
// (most of the text's letters); everything else is DetectLang's.
func (c *Catalog) Detect(text string) (Lang, bool) {
	letters := 0
	count := map[Lang]int{}
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		for _, l := range c.langs {
			if _, builtin := Info(l.Code); !builtin && l.Script != "Latin" && unicode.Is(l.script, r) {
				count[l.Code]++
			}
		}
	}
	for _, l := range c.langs {
		if n := count[l.Code]; n > 0 && 2*n > letters {
			return l.Code, true
		}
	}
	return Detect(text)
}
