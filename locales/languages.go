package locales

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/language"
)

// LanguagesFile is the data file that lists the languages, in the
// catalog's folder.
const LanguagesFile = "languages.toml"

// Language is one language as languages.toml describes it: everything Go
// needs to know about a language, so that adding one is adding files.
type Language struct {
	Code Lang `toml:"code"`
	// Name is the language named in itself ("Español").
	Name string `toml:"name"`
	// English is its English name ("Spanish"), for staff.
	English string `toml:"english"`
	// Script is the Unicode script it is written in, as unicode.Scripts
	// names it ("Latin", "Han", "Hangul").
	Script string `toml:"script"`
	// SMS is the encoding its SMS are written for: "GSM-7" or "UCS-2".
	SMS string `toml:"sms"`
	// SMSAllow lists characters outside GSM-7 that a GSM-7 language's
	// spelling needs and that are always written, knowing each makes its
	// message UCS-2 (Spanish á í ó ú; French ç ê …). When set, lint refuses
	// any other character outside GSM-7 in the language's messages.
	SMSAllow string `toml:"sms_allow"`
	// Unaccented lists spellings lint refuses in the language's messages
	// (Go regular expressions): a word whose accent was dropped where the
	// accent changes the meaning or the word ("MAS" for "MÁS", "Si" for
	// "Sí"): the accents policy as data, see locales/README.md.
	Unaccented []string `toml:"unaccented"`
	// DateOrder is how its speakers write numeric dates: "MDY" or "DMY".
	DateOrder string `toml:"date_order"`
	// Discord lists the Discord client locales that show it.
	Discord []string `toml:"discord"`
	// ReplyWords says how its messages set off a word to type: "capitals"
	// (MENU), "quotes" (“菜单”) or "none".
	ReplyWords string `toml:"reply_words"`
	// Keywords is what people type to pick it in the language menu.
	Keywords string `toml:"keywords"`
	// Words are its command words: keyword lists by ID (kw.global.language,
	// kw.intake.status), given here rather than in the message files.
	Words map[string]string `toml:"words"`
	// VariantOf names the language this one is a written form of, when it
	// is written in more than one script or standard ("zh" for Simplified
	// and Traditional Chinese): the languages with the same VariantOf are
	// offered with one short question when a first message does not tell
	// which (LangVariantsID).
	VariantOf string `toml:"variant_of"`
	// VariantsQuestion, on the first language of a VariantOf group and
	// only there, is that question, written so every variant's reader
	// understands it ("简体还是繁體？"); the numbered names follow it.
	VariantsQuestion string `toml:"variants_question"`
	// Stemmer names the Snowball stemmer free-text matching reduces its
	// words with (one of Stemmers), "" for none.
	Stemmer string `toml:"stemmer"`
	// Syllabic is set for a language whose words are written as separate
	// syllables (Vietnamese): matching skips word-prefix features, which
	// would tie unrelated words.
	Syllabic bool `toml:"syllabic"`
	// Calendar is CalendarEthiopian when numeric dates may be written in
	// the Ethiopian calendar (Amharic); "" for Gregorian only.
	Calendar string `toml:"calendar"`

	script     *unicode.RangeTable
	tag        language.Tag
	unaccented []*regexp.Regexp
}

// Stemmers are the values of Language.Stemmer: the Snowball stemmers
// flows can use.
var Stemmers = []string{"english", "spanish", "french", "russian", "swedish", "norwegian", "hungarian"}

// Values of Language fields.
const (
	CalendarEthiopian = "ethiopian"

	DateMDY = "MDY"
	DateDMY = "DMY"

	ReplyCapitals = "capitals"
	ReplyQuotes   = "quotes"
	ReplyNone     = "none"
)

// Encoding is the encoding the language's SMS are written for.
func (l *Language) Encoding() Encoding {
	if l.SMS == "UCS-2" {
		return UCS2
	}
	return GSM7
}

// DayFirst reports whether numeric dates are written day first.
func (l *Language) DayFirst() bool { return l.DateOrder == DateDMY }

// Data message IDs: every language's name and menu keywords are messages in
// every language, made from languages.toml.
const (
	langNamePrefix     = "lang.name."
	langKeywordsPrefix = "kw.lang."
	// LangMenuID is the numbered list of languages, each named in itself,
	// that the language menu sends after its question.
	LangMenuID = "lang.menu"
	// langVariantsPrefix + a VariantOf group: the group's question and
	// its numbered variants, the same text in every language.
	langVariantsPrefix = "lang.variants."
)

// LangVariantsID is the message asking which variant of group (a
// VariantOf) a person reads: VariantsQuestion, then "1 <name>" … .
func LangVariantsID(group string) string { return langVariantsPrefix + group }

// VariantGroups lists the catalog's VariantOf groups of two or more
// languages, in menu order of their first language.
func (c *Catalog) VariantGroups() []string { return variantGroups(c.langs) }

// Variants lists the languages of group (a VariantOf), in menu order.
func (c *Catalog) Variants(group string) []Lang { return variantsOf(c.langs, group) }

// VariantGroupOf is l's VariantOf group, "" when it has none.
func (c *Catalog) VariantGroupOf(l Lang) string {
	if info, ok := find(c.langs, l); ok && len(variantsOf(c.langs, info.VariantOf)) > 1 {
		return info.VariantOf
	}
	return ""
}

func variantGroups(ls []*Language) []string {
	var out []string
	for _, l := range ls {
		if l.VariantOf != "" && !slices.Contains(out, l.VariantOf) && len(variantsOf(ls, l.VariantOf)) > 1 {
			out = append(out, l.VariantOf)
		}
	}
	return out
}

func variantsOf(ls []*Language, group string) []Lang {
	var out []Lang
	for _, l := range ls {
		if group != "" && l.VariantOf == group {
			out = append(out, l.Code)
		}
	}
	return out
}

// LangNameID is the message naming language l in itself.
func LangNameID(l Lang) string { return langNamePrefix + string(l) }

// LangKeywordsID is the keyword list that picks language l.
func LangKeywordsID(l Lang) string { return langKeywordsPrefix + string(l) }

// readLanguages decodes and checks a languages file.
func readLanguages(buf []byte) ([]*Language, error) {
	var doc struct {
		Language []*Language `toml:"language"`
	}
	md, err := toml.Decode(string(buf), &doc)
	if err != nil {
		return nil, fmt.Errorf("locales: %s: %w", LanguagesFile, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("locales: %s: unknown field %s", LanguagesFile, und[0])
	}
	if len(doc.Language) == 0 {
		return nil, fmt.Errorf("locales: %s: no [[language]]", LanguagesFile)
	}
	seen := map[Lang]bool{}
	var words []string
	for i, l := range doc.Language {
		fail := func(format string, args ...any) error {
			return fmt.Errorf("locales: %s: language %d (%q): %s", LanguagesFile, i+1, l.Code, fmt.Sprintf(format, args...))
		}
		if i == 0 && l.Code != Source {
			return nil, fail("the first language must be the source, %q", Source)
		}
		if seen[l.Code] {
			return nil, fail("listed twice")
		}
		seen[l.Code] = true
		if l.tag, err = language.Parse(string(l.Code)); err != nil || l.tag.String() != string(l.Code) {
			return nil, fail("code must be a canonical BCP 47 tag")
		}
		if l.Name == "" || l.English == "" || l.Keywords == "" {
			return nil, fail("name, english and keywords are required")
		}
		if l.script = unicode.Scripts[l.Script]; l.script == nil {
			return nil, fail("script %q is not a Unicode script name (Latin, Han, Hangul, ...)", l.Script)
		}
		if l.SMS != "GSM-7" && l.SMS != "UCS-2" {
			return nil, fail("sms is %q: want GSM-7 or UCS-2", l.SMS)
		}
		for _, r := range l.SMSAllow {
			if IsGSM7(r) {
				return nil, fail("sms_allow: %q is GSM-7 already", r)
			}
		}
		l.unaccented = l.unaccented[:0]
		for _, pat := range l.Unaccented {
			re, err := regexp.Compile(pat)
			if err != nil {
				return nil, fail("unaccented: %v", err)
			}
			l.unaccented = append(l.unaccented, re)
		}
		if l.Stemmer != "" && !slices.Contains(Stemmers, l.Stemmer) {
			return nil, fail("stemmer %q: want one of %v", l.Stemmer, Stemmers)
		}
		if l.Calendar != "" && l.Calendar != CalendarEthiopian {
			return nil, fail("calendar %q: want %q or nothing", l.Calendar, CalendarEthiopian)
		}
		if l.DateOrder != DateMDY && l.DateOrder != DateDMY {
			return nil, fail("date_order is %q: want %s or %s", l.DateOrder, DateMDY, DateDMY)
		}
		switch l.ReplyWords {
		case ReplyCapitals, ReplyQuotes, ReplyNone:
		default:
			return nil, fail("reply_words is %q: want %s, %s or %s", l.ReplyWords, ReplyCapitals, ReplyQuotes, ReplyNone)
		}
		if i == 0 {
			for id := range l.Words {
				words = append(words, id)
			}
		}
		for id := range l.Words {
			if !IsKeywordList(id) {
				return nil, fail("words: %q is not a keyword list ID (kw.…)", id)
			}
		}
		for _, id := range words {
			if strings.TrimSpace(l.Words[id]) == "" {
				return nil, fail("words: %q is missing (every language needs the command words English has)", id)
			}
		}
		if len(l.Words) != len(words) {
			return nil, fail("words: has lists English does not")
		}
	}
	asked := map[string]bool{}
	for i, l := range doc.Language {
		fail := func(format string, args ...any) error {
			return fmt.Errorf("locales: %s: language %d (%q): %s", LanguagesFile, i+1, l.Code, fmt.Sprintf(format, args...))
		}
		switch g := l.VariantOf; {
		case g == "" && l.VariantsQuestion != "":
			return nil, fail("variants_question without variant_of")
		case g == "":
		case !validGroup(g):
			return nil, fail("variant_of %q: want 2-8 lower-case letters (the language's own code, e.g. zh)", g)
		case len(variantsOf(doc.Language, g)) < 2:
			return nil, fail("variant_of %q: no other language is a variant of it", g)
		case !asked[g] && strings.TrimSpace(l.VariantsQuestion) == "":
			return nil, fail("variants_question is required on the first language of variant_of %q", g)
		case asked[g] && l.VariantsQuestion != "":
			return nil, fail("variants_question belongs on the first language of variant_of %q only", g)
		default:
			asked[g] = true
		}
	}
	return doc.Language, nil
}

func validGroup(g string) bool {
	if len(g) < 2 || len(g) > 8 {
		return false
	}
	for _, r := range g {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// embedded is the languages of the embedded catalog.
var embedded = func() []*Language {
	buf, err := fs.ReadFile(files, LanguagesFile)
	if err != nil {
		panic(err)
	}
	ls, err := readLanguages(buf)
	if err != nil {
		panic(err)
	}
	return ls
}()

// All lists the languages of the embedded catalog in menu order. A catalog
// loaded from elsewhere may have others: see Catalog.Langs.
var All = codes(embedded)

func codes(ls []*Language) []Lang {
	out := make([]Lang, len(ls))
	for i, l := range ls {
		out[i] = l.Code
	}
	return out
}

// Info returns what languages.toml says about an embedded language.
func Info(l Lang) (*Language, bool) { return find(embedded, l) }

func find(ls []*Language, code Lang) (*Language, bool) {
	for _, l := range ls {
		if l.Code == code {
			return l, true
		}
	}
	return nil, false
}

// ParseLang returns the embedded language for a tag such as "es", "es-MX",
// "zh-CN", "zh-TW" or "zh-Hant-HK".
func ParseLang(s string) (Lang, bool) { return parseLang(embedded, s) }

// parseLang matches s to one of ls: exactly, else by base language and, when
// several share a base (zh-Hans, zh-Hant), by script, the likely script of
// a region counting ("zh-TW" is Traditional).
func parseLang(ls []*Language, s string) (Lang, bool) {
	for _, l := range ls {
		if strings.EqualFold(string(l.Code), s) {
			return l.Code, true
		}
	}
	tag, err := language.Parse(s)
	if err != nil {
		return "", false
	}
	base, _ := tag.Base()
	script, _ := tag.Script()
	var first *Language
	for _, l := range ls {
		lb, _ := l.tag.Base()
		if lb != base {
			continue
		}
		if ls, _ := l.tag.Script(); ls == script {
			return l.Code, true
		}
		if first == nil {
			first = l
		}
	}
	if first == nil {
		return "", false
	}
	return first.Code, true
}

// UsesUCS2 reports whether the embedded language's script cannot be sent
// in GSM-7, so its SMS segments hold 70 characters rather than 160.
func (l Lang) UsesUCS2() bool {
	info, ok := Info(l)
	return ok && info.Encoding() == UCS2
}

// Langs lists the catalog's languages in menu order.
func (c *Catalog) Langs() []Lang { return c.langCodes }

// Language returns what the catalog's languages file says about l.
func (c *Catalog) Language(l Lang) (*Language, bool) { return find(c.langs, l) }

// ParseLang returns the catalog's language for a tag, as ParseLang does.
func (c *Catalog) ParseLang(s string) (Lang, bool) { return parseLang(c.langs, s) }

// dataMessages makes the messages languages.toml holds: in every language,
// each language's name and menu keywords; in each language, its words.
func dataMessages(ls []*Language) map[Lang]map[string]*Message {
	out := make(map[Lang]map[string]*Message, len(ls))
	for _, in := range ls {
		m := map[string]*Message{}
		add := func(id, text string) {
			m[id] = &Message{ID: id, Lang: in.Code, Text: text, File: LanguagesFile}
		}
		var menu strings.Builder
		for i, l := range ls {
			add(LangNameID(l.Code), l.Name)
			add(LangKeywordsID(l.Code), l.Keywords)
			if i > 0 {
				menu.WriteByte('\n')
			}
			fmt.Fprintf(&menu, "%d %s", i+1, l.Name)
		}
		add(LangMenuID, menu.String())
		for _, g := range variantGroups(ls) {
			var q strings.Builder
			for i, v := range variantsOf(ls, g) {
				l, _ := find(ls, v)
				if i == 0 {
					q.WriteString(strings.TrimSpace(l.VariantsQuestion))
				}
				fmt.Fprintf(&q, "\n%d %s", i+1, l.Name)
			}
			add(LangVariantsID(g), q.String())
		}
		for id, text := range in.Words {
			add(id, text)
		}
		out[in.Code] = m
	}
	return out
}
