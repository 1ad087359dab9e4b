package locales

import (
	"testing"
	"testing/fstest"
)

func TestDetect(t *testing.T) {
	cases := []struct {
		text string
		want Lang // "" means: cannot tell, ask with the language menu
	}{
		// Script
		{"집주인이 자물쇠를 바꿨어요", Korean},
		{"안녕하세요", Korean},
		{"DC에 살아요", Korean},
		{"ሰላም", Amharic},
		{"አከራዩ ቁልፉን ቀየረ", Amharic},
		{"እርዳታ እፈልጋለሁ please", Amharic},
		// Simplified vs Traditional
		{"房东换了锁", ChineseSimplified},
		{"房東換了鎖", ChineseTraditional},
		{"警察拿走了我的帐篷", ChineseSimplified},
		{"警察拿走了我的帳篷", ChineseTraditional},
		{"我需要帮助", ChineseSimplified},
		{"我需要幫助", ChineseTraditional},
		{"我想问一个问题", ChineseSimplified},
		{"我想問一個問題", ChineseTraditional},
		{"佢哋唔俾我入屋", ChineseTraditional}, // Cantonese
		{"你好", ""}, // no telling character: both scripts are offered
		{"中文", ""},
		{"繁體中文", ChineseTraditional},
		{"简体中文", ChineseSimplified},
		{"我的 landlord 换了锁", ChineseSimplified},
		// Vietnamese
		{"Xin chào", Vietnamese},
		{"chủ nhà thay ổ khóa", Vietnamese},
		{"Tôi cần giúp đỡ", Vietnamese},
		{"toi bi duoi khoi nha", Vietnamese},
		{"Tiếng Việt", Vietnamese},
		// Spanish
		{"hola", Spanish},
		{"Hola, necesito ayuda", Spanish},
		{"me cambiaron la cerradura", Spanish},
		{"¿Qué puedo hacer?", Spanish},
		{"la policia se llevo mi carpa", Spanish},
		{"Buenos días", Spanish},
		// French
		{"bonjour", French},
		{"Bonjour, j'ai besoin d'aide", French},
		{"mon propriétaire a changé les serrures", French},
		{"la police a pris ma tente", French},
		{"Ça va", French},
		{"s’il vous plaît", French},
		// English
		{"hi", English},
		{"Hello", English},
		{"my landlord changed the locks", English},
		{"police took my tent", English},
		{"I need help", English},
		// Cannot tell
		{"", ""},
		{"20001", ""},
		{"?", ""},
		{"ok", ""},
		{"police", ""},
		{"😀", ""},
		{"こんにちは", ""},      // Japanese
		{"家賃を払えません", ""},   // Japanese with kanji
		{"hola hello", ""}, // a tie: ask
	}
	for _, c := range cases {
		got, ok := Detect(c.text)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Detect(%q) = %q, %v; want %q", c.text, got, ok, c.want)
		}
	}
}

// The detection data is checked as it is read: a character or word in two
// languages' files, a repeated character (the Simplified and Traditional
// lists pair by position), a word not in lower case, a file for a language
// languages.toml does not have, an unknown field.
func TestDetectDataChecked(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"shared char": {"detect/zh-Hans.toml": `chars = "们"`, "detect/zh-Hant.toml": `chars = "们"`},
		"repeated":    {"detect/zh-Hans.toml": `chars = "们们"`},
		"shared word": {"detect/es.toml": `words = ["hola"]`, "detect/fr.toml": `words = ["hola"]`},
		"capitals":    {"detect/es.toml": `words = ["Hola"]`},
		"no language": {"detect/de.toml": `words = ["hallo"]`},
		"field":       {"detect/es.toml": `sayings = ["hola"]`},
		"one script":  {"detect/ko.toml": `chars = "한"`},
		"latin roman": {"detect/es.toml": `romanised = ["ola"]`},
		"script name": {"detect/shared.toml": "[[foreign]]\nscripts = [\"Kana\"]\nwith = \"Han\""},
	} {
		fsys := fstest.MapFS{}
		for n, body := range files {
			fsys[n] = &fstest.MapFile{Data: []byte(body)}
		}
		if _, err := readDetector(fsys, embedded, false); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// The embedded data pairs each Traditional form with its Simplified
	// one, for matching.
	if MatchFold("房東換了鎖") != MatchFold("房东换了锁") {
		t.Errorf("MatchFold does not fold Traditional to Simplified: %q", MatchFold("房東換了鎖"))
	}
}

// Every language's own name, as shown on the language menu, is detected as
// that language when sent as a first message.
func TestDetectLanguageNames(t *testing.T) {
	for text, want := range map[string]Lang{"English": English, "Español": Spanish, "简体中文": ChineseSimplified, "繁體中文": ChineseTraditional, "Tiếng Việt": Vietnamese, "한국어": Korean, "አማርኛ": Amharic, "Français": French} {
		if got, ok := Detect(text); !ok || got != want {
			t.Errorf("Detect(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
}

func BenchmarkDetect(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Detect("my landlord changed the locks and cut off the water")
		Detect("房東換了鎖")
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{
		"es": Spanish, "ES": Spanish, "es-MX": Spanish, "es-419": Spanish, "en-US": English, "fr-CA": French,
		"zh": ChineseSimplified, "zh-CN": ChineseSimplified, "zh-SG": ChineseSimplified, "zh-Hans": ChineseSimplified,
		"zh-TW": ChineseTraditional, "zh-HK": ChineseTraditional, "zh-Hant-HK": ChineseTraditional, "zh-hant": ChineseTraditional,
		"ko-KR": Korean, "vi": Vietnamese, "am-ET": Amharic, "de": "", "ja": "", "": "", "x-\x00": "",
	} {
		if got, ok := ParseLang(in); got != want || ok != (want != "") {
			t.Errorf("ParseLang(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
