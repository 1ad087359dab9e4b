package sms

import (
	"strings"
	"unicode"
)

// keyword is what a single-word message means to the channel before the
// conversation engine sees it.
type keyword int

const (
	kwNone keyword = iota
	kwStop
	kwStart
	// kwYes opts back in only when the contact opted out; otherwise "yes"
	// is an answer for the conversation.
	kwYes
	kwHelp
)

// keywords are the words US carriers and Twilio's opt-out handling act on.
// They are matched in English in every language, as Twilio does, so what
// we record always agrees with what Twilio blocks.
var keywords = map[string]keyword{
	"stop": kwStop, "stopall": kwStop, "unsubscribe": kwStop, "cancel": kwStop,
	"end": kwStop, "quit": kwStop, "revoke": kwStop, "optout": kwStop,
	"start": kwStart, "unstop": kwStart,
	"yes":  kwYes,
	"help": kwHelp, "info": kwHelp,
}

// classify returns the keyword a message is, if it is one word and that
// word (in any case, with surrounding spaces or trailing punctuation such
// as "Stop." or "STOP!") is a keyword.
func classify(text string) keyword {
	w := strings.TrimSpace(text)
	w = strings.TrimRightFunc(w, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	if w == "" || len(w) > 16 || strings.ContainsFunc(w, unicode.IsSpace) {
		return kwNone
	}
	return keywords[strings.ToLower(w)]
}
