package flows

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/rightsline/rightsline/locales"
)

// carrierWords are handled by the SMS carrier or Twilio before the bot
// sees them, or are not instructions at all: naming them is fine.
var carrierWords = map[string]bool{"stop": true, "start": true, "unstop": true, "stopall": true, "help": true, "info": true, "sms": true}

// lintReplyWords checks that the words the engine's own messages tell a
// person to send ("reply REPORT", "回复“来源”") work wherever those
// messages are said, which is anywhere: each must be a global word or a
// topic keyword. It is a heuristic (it reads capitalised words in Latin
// scripts and quoted words in Chinese and Korean; Amharic is not read), so
// its findings are warnings.
func (e *Engine) lintReplyWords() []locales.Problem {
	var ps []locales.Problem
	for _, id := range EngineMessages {
		for _, l := range e.cat.Langs() {
			m, ok := e.cat.Lookup(l, id)
			info, known := e.cat.Language(l)
			if !ok || !known {
				continue
			}
			for _, w := range replyWords(info.ReplyWords, m.Text) {
				f := locales.Fold(w)
				if carrierWords[f] || e.index.global[f] != "" || e.index.greetings[f] {
					continue
				}
				if _, ok := e.index.matchTopic(l, f); ok {
					continue
				}
				ps = append(ps, locales.Problem{File: "locales/" + m.File, Lang: l, ID: id, Check: locales.CheckReplyWord, Warning: true,
					Msg: fmt.Sprintf("tells people to send %q, but this message is said in any state and %q is neither a global word nor a topic keyword, so most states would not understand it", w, f)})
			}
		}
	}
	return ps
}

// replyWords finds the words a message asks the person to send, as the
// language's reply_words (locales/languages.toml) says they are set off:
// runs of capitalised words ("MENU", "QUAY LẠI"), quoted words (“菜单”,
// 「選單」, '메뉴'), or none read (Amharic has no capitals).
func replyWords(style, text string) []string {
	switch style {
	case locales.ReplyQuotes:
		return quoted(text)
	case locales.ReplyNone:
		return nil
	}
	var out []string
	var phrase []string
	flush := func() {
		if len(phrase) > 0 {
			out = append(out, strings.Join(phrase, " "))
			phrase = phrase[:0]
		}
	}
	// Split into words and the separators between them; a phrase goes on
	// over single spaces only ("QUAY LẠI", not "MENU, BACK").
	rs := []rune(text)
	for i := 0; i < len(rs); {
		if !unicode.IsLetter(rs[i]) {
			if !(rs[i] == ' ' && len(phrase) > 0 && i+1 < len(rs) && unicode.IsUpper(rs[i+1])) {
				flush()
			}
			i++
			continue
		}
		j := i
		for j < len(rs) && unicode.IsLetter(rs[j]) {
			j++
		}
		word := rs[i:j]
		if len(word) >= 2 && allUpper(word) {
			phrase = append(phrase, string(word))
		} else {
			flush()
		}
		i = j
	}
	flush()
	return out
}

func allUpper(rs []rune) bool {
	for _, r := range rs {
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// quoted returns what stands between the quote marks Chinese and Korean
// use to set off a word to type.
func quoted(text string) []string {
	pairs := map[rune]rune{'“': '”', '「': '」', '‘': '’', '\'': '\'', '"': '"'}
	var out []string
	rs := []rune(text)
	for i := 0; i < len(rs); i++ {
		end, ok := pairs[rs[i]]
		if !ok {
			continue
		}
		for j := i + 1; j < len(rs) && j-i <= 20; j++ {
			if rs[j] == end {
				if j > i+1 {
					out = append(out, string(rs[i+1:j]))
				}
				i = j
				break
			}
		}
	}
	return out
}
