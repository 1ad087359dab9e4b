package sms

import "github.com/rightsline/rightsline/bot/twilio"

// MaxMessage is the longest body Twilio sends as one message, in
// characters (UTF-16 code units, as Twilio counts them).
const MaxMessage = twilio.MaxMessage

// parts is text as Twilio sends it (twilio.Parts).
func parts(text string) []string { return twilio.Parts(text) }
