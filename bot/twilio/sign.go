package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"hash"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Sign computes the X-Twilio-Signature Twilio sends with a webhook:
// base64(HMAC-SHA1(auth token, full URL + every POST field name and value,
// sorted by name)). The handler checks it with a [signer]; Sign is for
// clients that stand in for Twilio: the load tool and tests.
func Sign(authToken, fullURL string, form url.Values) string {
	s := newSigner(authToken)
	sc := s.get()
	defer s.put(sc)
	sc.sortKeys(form)
	var sig [signatureLen]byte
	s.sign(sc, fullURL, form, &sig)
	return string(sig[:])
}

// signatureLen is the length of a base64 HMAC-SHA1: 20 bytes in 28
// characters.
const signatureLen = 28

// signer checks X-Twilio-Signature the way twilio-go's RequestValidator
// does (which the tests keep as the reference), without its cost: the
// validator builds the signed string by repeated concatenation (quadratic
// in the number of fields), formats every field with fmt, and always
// computes two HMACs, with and without the URL's port. A signer writes the
// URL and the sorted fields once into a pooled buffer, keeps its keyed
// HMACs in a pool, and tries the other port form only when the first one
// does not match. It is safe for concurrent use.
type signer struct {
	key     []byte
	scratch sync.Pool // *signScratch
}

// signScratch is one check's reusable memory.
type signScratch struct {
	buf  []byte
	keys []string
	mac  hash.Hash
	sum  []byte
}

func newSigner(authToken string) *signer {
	s := &signer{key: []byte(authToken)}
	s.scratch.New = func() any {
		return &signScratch{buf: make([]byte, 0, 1024), keys: make([]string, 0, 32), mac: hmac.New(sha1.New, s.key), sum: make([]byte, 0, sha1.Size)}
	}
	return s
}

func (s *signer) get() *signScratch { return s.scratch.Get().(*signScratch) }

func (s *signer) put(sc *signScratch) {
	if cap(sc.buf) > 2*MaxBody {
		return // a freak request's memory is not kept
	}
	clear(sc.keys)
	s.scratch.Put(sc)
}

// sortKeys fills sc.keys with form's names, sorted.
func (sc *signScratch) sortKeys(form url.Values) {
	sc.keys = sc.keys[:0]
	for k := range form {
		sc.keys = append(sc.keys, k)
	}
	slices.Sort(sc.keys)
}

// sign writes into sig the base64 signature of fullURL and form's fields
// in sc.keys order (every value of a repeated field, as Twilio would).
func (s *signer) sign(sc *signScratch, fullURL string, form url.Values, sig *[signatureLen]byte) {
	b := append(sc.buf[:0], fullURL...)
	for _, k := range sc.keys {
		for _, v := range form[k] {
			b = append(b, k...)
			b = append(b, v...)
		}
	}
	sc.buf = b
	sc.mac.Reset()
	sc.mac.Write(b)
	sc.sum = sc.mac.Sum(sc.sum[:0])
	base64.StdEncoding.Encode(sig[:], sc.sum)
}

// valid reports whether sig is form's signature for fullURL, or for
// fullURL with its port added or removed (Twilio is not consistent about
// which it signs). Every field must have exactly one value: Twilio never
// repeats one, and the reference validator would check only the first.
func (s *signer) valid(fullURL string, form url.Values, sig string) bool {
	if len(sig) != signatureLen {
		return false
	}
	for _, vs := range form {
		if len(vs) != 1 {
			return false
		}
	}
	sc := s.get()
	defer s.put(sc)
	sc.sortKeys(form)
	var got [signatureLen]byte
	s.sign(sc, fullURL, form, &got)
	if subtle.ConstantTimeCompare(got[:], []byte(sig)) == 1 {
		return true
	}
	other, ok := togglePort(fullURL)
	if !ok {
		return false
	}
	s.sign(sc, other, form, &got)
	return subtle.ConstantTimeCompare(got[:], []byte(sig)) == 1
}

// togglePort returns rawURL with the scheme's default port added when it
// has none, or with its port removed when it has one: the second form
// twilio-go's validator accepts, computed the same way (including its
// re-encoding of the URL by net/url). ok is false when that form is
// rawURL itself.
func togglePort(rawURL string) (string, bool) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", false
	}
	if u.Port() != "" {
		u.Host, _, _ = strings.Cut(u.Host, ":")
	} else {
		port := 80
		if u.Scheme == "https" {
			port = 443
		}
		u.Host += ":" + strconv.Itoa(port)
	}
	other := u.String()
	return other, other != rawURL
}
