package twilio

import (
	"bytes"
	"net/http"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/rightsline/rightsline/bot"
)

// twimlBufs holds the buffers TwiML answers are written into.
var twimlBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// WriteTwiML answers a messaging webhook with the replies as one message
// each, split further by split (a channel's length limit). Twilio posts
// each reply's delivery statuses (and a 21610 if the number is
// unsubscribed) to action; the method is left at its default, POST. No
// replies is an empty <Response/>: Twilio then sends nothing.
//
// The document is written directly rather than built as a tree with
// twilio-go's twiml package (an XML DOM per answer, about a tenth of the
// webhook's allocations): it is one fixed shape, and every text in it
// goes through encoding/xml's escaping, which also replaces characters
// XML cannot carry.
func WriteTwiML(w http.ResponseWriter, action string, replies []string, split func(string) []string) {
	b := twimlBufs.Get().(*bytes.Buffer)
	defer func() {
		if b.Cap() <= 2*MaxBody {
			b.Reset()
			twimlBufs.Put(b)
		}
	}()
	b.Reset()
	appendTwiML(b, action, replies, split)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b.Bytes())
}

// appendTwiML writes the messaging TwiML for replies to b.
func appendTwiML(b *bytes.Buffer, action string, replies []string, split func(string) []string) {
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	n := 0
	for _, rep := range replies {
		for _, part := range split(rep) {
			if n == 0 {
				b.WriteString("<Response>")
			}
			n++
			b.WriteString(`<Message action="`)
			escapeXML(b, action)
			b.WriteString(`">`)
			escapeXML(b, part)
			b.WriteString("</Message>")
		}
	}
	if n == 0 {
		b.WriteString("<Response/>")
		return
	}
	b.WriteString("</Response>")
}

// escapeXML writes s to b escaped for XML text or a quoted attribute,
// byte for byte as encoding/xml.EscapeText would (the tests hold it to
// that), without converting s to a []byte: the five markup characters and
// tab, newline and carriage return as references, and anything XML cannot
// carry (invalid UTF-8, most control characters) as U+FFFD.
func escapeXML(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); {
		r, width := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if xmlChar(r) && (r != utf8.RuneError || width != 1) {
				i += width
				continue
			}
			esc = "\uFFFD"
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		i += width
		last = i
	}
	b.WriteString(s[last:])
}

// xmlChar reports whether r may appear in an XML document (the Char
// production of XML 1.0).
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// Replies is what a messaging channel sends back for a handled message
// whose text was body: the replies joined into one message, as the
// runtime stored them. A retry of anything but the STOP itself gets
// nothing once the contact has opted out; a retried STOP gets its
// confirmation again, since Twilio may never have received the first
// answer.
func Replies(out bot.Outcome, body string) []string {
	if out.Duplicate && out.Contact.OptedOut && !IsStop(body) {
		return nil
	}
	if len(out.Replies) == 0 {
		return nil
	}
	return []string{bot.JoinReplies(out.Replies)}
}
