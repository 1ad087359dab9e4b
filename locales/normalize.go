package locales

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// MatchFold normalises text for matching only (never for display or
// storage): full-width and half-width forms to their usual width, lower
// case, Latin diacritics removed (é→e, ñ→n, Vietnamese ư→u, đ→d, so that
// text with and without accents reads alike), the Ethiopic letters that
// sound alike folded to one (ሐ ኀ→ሀ, ሠ→ሰ, ዐ→አ, ፀ→ጸ), Traditional Chinese
// characters to Simplified (so both scripts share one set of features),
// and punctuation and symbols to spaces. Runs of space become one; the
// result is trimmed. Hangul syllables are kept whole.
func MatchFold(s string) string { return MatchFoldElided(s, nil) }

// MatchFoldElided is MatchFold, except that an apostrophe after a word
// elided (folded) holds is read as a space: French "l'hôtel", "j'ai",
// "qu'il" give "l hotel", "j ai", "qu il", so that the word after the
// apostrophe is the word written alone, while "don't" stays "dont".
func MatchFoldElided(s string, elided map[string]bool) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	word := 0 // where the word being written starts in b
	for _, r := range s {
		if len(elided) > 0 && (r == '\'' || r == '’' || r == 'ʼ') && !space && elided[b.String()[word:]] {
			b.WriteByte(' ')
			space = true
			continue
		}
		r = foldRune(r)
		if space && r != ' ' && r != 0 {
			word = b.Len()
		}
		switch {
		case r == 0:
			continue
		case r == ' ':
			if !space {
				b.WriteByte(' ')
				space = true
			}
		default:
			b.WriteRune(r)
			space = false
		}
	}
	out := b.String()
	return strings.TrimRight(out, " ")
}

// foldRune maps one rune for MatchFold: 0 drops it, ' ' separates words.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		switch {
		case 'A' <= r && r <= 'Z':
			return r + ('a' - 'A')
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return r
		case r == '\'':
			return 0 // don't, l'hotel: one word
		}
		return ' '
	}
	switch {
	case r >= 0xAC00 && r <= 0xD7A3: // Hangul syllables: letters without case
		return r
	case r >= 0x4E00 && r <= 0x9FFF: // CJK ideographs, all Han
		if f, ok := tradToSimp[r]; ok {
			return f
		}
		return r
	case r == '’' || r == 'ʼ':
		return 0
	}
	if r >= 0xFF01 && r <= 0xFFEE || r == 0x3000 {
		if w := widthFold(r); w != 0 {
			r = w
			if r < utf8.RuneSelf {
				return foldRune(r)
			}
		}
	}
	switch {
	case r >= 0x00C0 && r <= 0x024F || r >= 0x1E00 && r <= 0x1EFF:
		if f, ok := latinFold[r]; ok {
			return f
		}
		return unicode.ToLower(r)
	case r >= 0x1200 && r <= 0x137F:
		return ethiopicFold(r)
	case unicode.Is(unicode.Han, r):
		if f, ok := tradToSimp[r]; ok {
			return f
		}
		return r
	case unicode.IsLetter(r), unicode.IsDigit(r), unicode.Is(unicode.Mn, r):
		return unicode.ToLower(r)
	}
	return ' '
}

// ethiopicFold folds the series of letters Amharic writers use
// interchangeably (the same sound, different historical letters) to one.
func ethiopicFold(r rune) rune {
	order := (r - 0x1200) % 8
	base := r - order
	switch base {
	case 0x1200, 0x1210, 0x1280: // ሐ ኀ → ሀ
		return 0x1200 + laryngealOrder(order)
	case 0x1220: // ሠ → ሰ
		return 0x1230 + order
	case 0x12A0, 0x12D0: // ዐ → አ
		return 0x12A0 + laryngealOrder(order)
	case 0x1340: // ፀ → ጸ
		return 0x1338 + order
	}
	if r >= 0x1361 && r <= 0x1368 { // Ethiopic punctuation
		return ' '
	}
	return r
}

// laryngealOrder folds the vowel orders of ሀ and አ (and the letters
// folded to them) that Amharic pronounces alike: the first and the fourth
// (ሀ ሃ, አ ኣ: ሀይማኖት and ሃይማኖት are one word), and አ's eighth, ኧ, to the
// first.
func laryngealOrder(order rune) rune {
	if order == 3 || order == 7 {
		return 0
	}
	return order
}

var (
	latinFold  = map[rune]rune{}
	tradToSimp = map[rune]rune{}
)

// widthFolded holds width.Fold of U+FF01–U+FFEE (the full-width and
// half-width forms: "，" → ",") and of U+3000 last, computed once: folding
// them one string at a time was most of what matching Chinese text
// allocated.
var widthFolded = func() (t [0xFFEE - 0xFF01 + 2]rune) {
	for i := range t {
		r := rune(0xFF01 + i)
		if i == len(t)-1 {
			r = 0x3000
		}
		t[i] = widthFoldSlow(r)
	}
	return t
}()

// widthFold is width.Fold of r, a full-width or half-width form or
// U+3000 (0 when it folds to nothing).
func widthFold(r rune) rune {
	if r == 0x3000 {
		return widthFolded[len(widthFolded)-1]
	}
	return widthFolded[r-0xFF01]
}

// widthFoldSlow is widthFold by golang.org/x/text/width.
func widthFoldSlow(r rune) rune {
	w := width.Fold.String(string(r))
	if w == "" {
		return 0
	}
	f, _ := utf8.DecodeRuneInString(w)
	return f
}

func init() {
	for r := rune(0x00C0); r <= 0x1EFF; r++ {
		if r > 0x024F && r < 0x1E00 {
			continue
		}
		d := norm.NFD.String(string(unicode.ToLower(r)))
		base, _ := utf8.DecodeRuneInString(d)
		if base < utf8.RuneSelf && unicode.IsLetter(base) {
			latinFold[r] = base
		}
	}
	for _, p := range [][2]rune{{'đ', 'd'}, {'Đ', 'd'}, {'ø', 'o'}, {'Ø', 'o'}, {'ł', 'l'}, {'Ł', 'l'}, {'æ', 'a'}, {'œ', 'o'}, {'ß', 's'}} {
		latinFold[p[0]] = p[1]
	}
	// detect/zh-Hant.toml lists the Traditional forms at the positions of
	// their Simplified forms in detect/zh-Hans.toml.
	for t, s := range embeddedDetector().sameChar {
		tradToSimp[t] = s
	}
	for t, s := range extraTradToSimp {
		tradToSimp[t] = s
	}
}

// Traditional characters residents write that the detection tables leave
// out (they are shared by other words or too rare to decide a script), for
// matching only.
var extraTradToSimp = map[rune]rune{
	'裡': '里', '後': '后', '髮': '发', '幹': '干', '僱': '雇', '擺': '摆', '鬥': '斗', '隻': '只',
	'麵': '面', '週': '周', '準': '准', '臺': '台', '黴': '霉', '鄰': '邻', '罵': '骂', '復': '复',
	'廁': '厕', '僑': '侨', '壓': '压', '殺': '杀', '貼': '贴', '屬': '属', '嗎': '吗', '搶': '抢',
	'們': '们', '隨': '随', '騷': '骚', '鏽': '锈', '滲': '渗', '蓋': '盖', '噪': '噪', '灑': '洒',
	'簽': '签', '禱': '祷', '爛': '烂', '蝨': '虱', '跡': '迹', '雖': '虽', '藉': '借', '該': '该',
}
