package bot

// Media is one attachment a person sent with a message (an MMS photo, a
// Discord attachment): where the channel says it can be fetched and the
// type the provider claims for it. The claim is never trusted: the media
// pipeline (intake/media) sniffs the type from the bytes it fetches.
//
// URL is personal data (it reaches the person's photo with the account's
// credentials): it is stored sealed, never logged.
type Media struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type,omitempty"`
}

// MaxMedia is the most attachments one inbound message may carry: Twilio's
// own limit for an MMS (and a WhatsApp message), and what a Discord
// message allows.
const MaxMedia = 10

// MediaCount is how many attachments the message carries.
func (in Inbound) MediaCount() int { return len(in.Media) }
