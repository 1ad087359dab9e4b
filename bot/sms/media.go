package sms

import (
	"github.com/rightsline/rightsline/bot/media"
	"github.com/rightsline/rightsline/bot/twilio"
)

// MediaFetcher fetches this account's MMS media for the media worker
// (bot/media): twilio.MediaFetcher on the configured media host.
func (c Config) MediaFetcher() *media.HTTPFetcher {
	return twilio.MediaFetcher(c.mediaBase(), c.AccountSID, c.AuthToken)
}
