package twilio

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"

	"github.com/twilio/twilio-go/client"

	"github.com/rightsline/rightsline/locales"
)

// Test account. The token is made up.
const (
	testToken   = "12345678901234567890123456789012"
	testBase    = "https://rightsline.example.org"
	InboundPath = "/twilio/sms"
)

// parts splits like the SMS channel: at 1600 UTF-16 code units.
func parts(text string) []string {
	return locales.Split(locales.Clean(text), 1600, locales.UTF16)
}

// signedURLs are URLs in the forms Twilio may sign: with and without a
// port, with a query, with escapes, http and https.
var signedURLs = []string{
	testBase + InboundPath,
	"https://rightsline.example.org:443" + InboundPath,
	"http://rightsline.example.org" + InboundPath,
	"http://rightsline.example.org:80" + InboundPath,
	"http://127.0.0.1:8080" + InboundPath,
	"https://rightsline.example.org/a%20b/twilio/sms?x=1&y=%2F",
	"https://user@rightsline.example.org:8443/twilio/status",
	"https://[::1]:8443/twilio/sms",
	"not a url at all",
	"",
}

// referenceValid is twilio-go's validator on a form whose fields have one
// value each.
func referenceValid(token, u string, form url.Values, sig string) bool {
	params := make(map[string]string, len(form))
	for k, vs := range form {
		params[k] = vs[0]
	}
	v := client.NewRequestValidator(token)
	return v.Validate(u, params, sig)
}

// randomForm is a webhook-like form of n fields with awkward names and
// values (empty, non-ASCII, separators, shared prefixes).
func randomForm(r *rand.Rand, n int) url.Values {
	pieces := []string{"", "a", "Body", "B", "Bo", "From", "+1202555", "é", "中文", "&", "=", "%", " ", "\x00", "MessageSid", "SM0123"}
	form := url.Values{}
	for range n {
		k := pieces[r.IntN(len(pieces))] + pieces[r.IntN(len(pieces))]
		if k == "" {
			k = "k"
		}
		form.Set(k, pieces[r.IntN(len(pieces))]+pieces[r.IntN(len(pieces))])
	}
	return form
}

// TestSignerMatchesTwilioGo holds the handler's signature check to
// twilio-go's RequestValidator: on many forms and URLs, each signed as
// given, with the other port form, with another token and not at all, the
// two accept exactly the same signatures.
func TestSignerMatchesTwilioGo(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	s := newSigner(testToken)
	checked, accepted := 0, 0
	for i := range 300 {
		form := randomForm(r, i%25)
		for _, u := range signedURLs {
			candidates := []string{Sign(testToken, u, form), Sign("another-token", u, form), "", "x", strings.Repeat("A", signatureLen)}
			if other, ok := togglePort(u); ok {
				candidates = append(candidates, Sign(testToken, other, form))
			}
			for _, sig := range candidates {
				want := referenceValid(testToken, u, form, sig)
				if got := s.valid(u, form, sig); got != want {
					t.Fatalf("url %q form %v sig %q: signer says %v, twilio-go %v", u, form, sig, got, want)
				}
				checked++
				if want {
					accepted++
				}
			}
		}
	}
	// The comparison means something only if both outcomes occurred.
	if accepted == 0 || accepted == checked {
		t.Fatalf("%d of %d signatures accepted: the cases do not tell valid from invalid", accepted, checked)
	}
}

// TestSignerRefusesRepeatedFields: Twilio never repeats a field, and the
// reference validator would check only the first value.
func TestSignerRefusesRepeatedFields(t *testing.T) {
	form := url.Values{"Body": {"a", "b"}, "From": {"+12025550123"}}
	if newSigner(testToken).valid(testBase+InboundPath, form, Sign(testToken, testBase+InboundPath, form)) {
		t.Fatal("a form with a repeated field was accepted")
	}
}

// FuzzSigner compares the signer with twilio-go's validator on arbitrary
// URLs, fields and signatures (the signature either computed or given).
//
//	go test ./bot/twilio -run '^$' -fuzz FuzzSigner -fuzztime 1m
func FuzzSigner(f *testing.F) {
	f.Add(testBase+InboundPath, "Body", "hello", "From", "+12025550123", "", true)
	f.Add("http://h:80/x?y=1", "a", "", "b", "é", "", true)
	f.Add("https://[::1]/p", "k", "v", "k2", "v2", "wrong", false)
	s := newSigner(testToken)
	f.Fuzz(func(t *testing.T, u, k1, v1, k2, v2, sig string, sign bool) {
		form := url.Values{k1: {v1}}
		if k2 != k1 {
			form[k2] = []string{v2}
		}
		if sign {
			sig = Sign(testToken, u, form)
			if other, ok := togglePort(u); ok && len(u)%2 == 0 {
				sig = Sign(testToken, other, form)
			}
		}
		if got, want := s.valid(u, form, sig), referenceValid(testToken, u, form, sig); got != want {
			t.Fatalf("url %q form %v sig %q: signer says %v, twilio-go %v", u, form, sig, got, want)
		}
	})
}

// TestTwiMLEscaping writes replies full of markup and characters XML
// cannot carry, and reads them back with encoding/xml: the bodies come
// back as sent (with U+FFFD for what XML cannot carry), and the escaping
// is byte for byte encoding/xml's own.
func TestTwiMLEscaping(t *testing.T) {
	bodies := []string{
		"plain", `<b>&amp;"quoted" 'single'</b>`, "line one\nline two\r\n\ttab",
		"]]> <!-- --> <?pi?>", "中文 한국어 አማርኛ Tiếng Việt 😀", "nul\x00 bell\x07 esc\x1b",
		"bad utf-8 \xff\xfe end", "\uFFFE\uFFFF", "\U0010FFFF", "",
	}
	action := `https://rightsline.example.org/twilio/status?a=1&b="2"`
	var b bytes.Buffer
	appendTwiML(&b, action, bodies, parts)
	var doc struct {
		XMLName  xml.Name `xml:"Response"`
		Messages []struct {
			Body   string `xml:",chardata"`
			Action string `xml:"action,attr"`
		} `xml:"Message"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, b.String())
	}
	var want []string
	for _, body := range bodies {
		want = append(want, parts(body)...)
	}
	if len(doc.Messages) != len(want) {
		t.Fatalf("%d messages, want %d:\n%s", len(doc.Messages), len(want), b.String())
	}
	for i, m := range doc.Messages {
		if m.Action != action {
			t.Errorf("message %d: action %q, want %q", i, m.Action, action)
		}
		if exp := xmlSafe(want[i]); m.Body != exp {
			t.Errorf("message %d: body %q, want %q", i, m.Body, exp)
		}
	}
	b.Reset()
	appendTwiML(&b, action, nil, parts)
	if got := b.String(); got != `<?xml version="1.0" encoding="UTF-8"?><Response/>` {
		t.Errorf("no replies: %q", got)
	}
}

// xmlSafe is s as XML can carry it: what encoding/xml's escaping
// replaces with U+FFFD, replaced; carriage returns survive as references.
func xmlSafe(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	var out struct {
		S string `xml:",chardata"`
	}
	if err := xml.Unmarshal([]byte("<x>"+b.String()+"</x>"), &out); err != nil {
		panic(fmt.Sprintf("encoding/xml cannot read its own escaping of %q: %v", s, err))
	}
	return out.S
}

// FuzzEscapeXML holds escapeXML to encoding/xml.EscapeText, byte for byte.
//
//	go test ./bot/twilio -run '^$' -fuzz FuzzEscapeXML -fuzztime 1m
func FuzzEscapeXML(f *testing.F) {
	for _, s := range []string{"", "a&b", "<\"'>", "\t\n\r", "\x00\xff", "\uFFFD", "\uFFFE", "😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got, want bytes.Buffer
		escapeXML(&got, s)
		_ = xml.EscapeText(&want, []byte(s))
		if got.String() != want.String() {
			t.Fatalf("escapeXML(%q) = %q; encoding/xml writes %q", s, got.String(), want.String())
		}
	})
}
