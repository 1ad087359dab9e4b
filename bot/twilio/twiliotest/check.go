package twiliotest

import (
	"encoding/xml"
	"errors"
	"testing"

	"github.com/rightsline/rightsline/store"
)

// TwiMLMessages parses a TwiML response into its message bodies, failing
// the test unless every message asks for its delivery status at
// statusURL.
func TwiMLMessages(t testing.TB, body, statusURL string) []string {
	t.Helper()
	var doc struct {
		XMLName  xml.Name `xml:"Response"`
		Messages []struct {
			Body   string `xml:",chardata"`
			Action string `xml:"action,attr"`
		} `xml:"Message"`
	}
	if err := xml.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("reply is not TwiML: %v\n%s", err, body)
	}
	out := []string{}
	for _, m := range doc.Messages {
		if m.Action != statusURL {
			t.Fatalf("message action = %q; want the status callback URL %q", m.Action, statusURL)
		}
		out = append(out, m.Body)
	}
	return out
}

// InboundCount counts the stored inbound messages of the contact at
// channel and address (0 if the contact does not exist).
func InboundCount(t testing.TB, st *store.Store, channel, address string) int {
	t.Helper()
	c, err := st.ContactByAddress(t.Context(), channel, address)
	if errors.Is(err, store.ErrNotFound) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := st.Transcript(t.Context(), c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if m.Direction == store.DirectionIn {
			n++
		}
	}
	return n
}
