package sms

import "github.com/rightsline/rightsline/locales"

// MaxMessage is the longest body Twilio sends as one message, in
// characters (UTF-16 code units, as Twilio counts them).
const MaxMessage = 1600

// parts is text as Twilio sends it: cleaned (a staff update may hold
// anything) and split into messages of at most MaxMessage.
func parts(text string) []string {
	return locales.Split(locales.Clean(text), MaxMessage, locales.UTF16)
}
