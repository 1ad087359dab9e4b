package sms

// statusRank orders Twilio's message statuses so a callback that arrives
// late never moves a message back (courier keeps the same kind of table).
// https://www.twilio.com/docs/messaging/api/message-resource#message-status-values
var statusRank = map[string]int{
	"accepted":    1,
	"scheduled":   1,
	"queued":      1,
	"sending":     2,
	"sent":        3,
	"receiving":   3,
	"received":    4,
	"delivered":   4,
	"undelivered": 4,
	"failed":      4,
	"canceled":    4,
	"read":        5,
}

// Twilio error codes the channel acts on.
const (
	// errUnsubscribed: the recipient replied STOP; Twilio refuses to send
	// to them until they reply START.
	errUnsubscribed     = "21610"
	errUnsubscribedCode = 21610
	// errInvalidTo and friends can never succeed, so retrying is waste.
	errInvalidTo        = 21211
	errNotMobile        = 21614
	errRegionNotAllowed = 21408
)
