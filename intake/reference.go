package intake

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/intake/jurisdiction"
	"github.com/rightsline/rightsline/store"
)

// referenceAlphabet is Crockford's base32: digits and letters without I, L,
// O and U, so a reference read aloud or copied by hand is not misread.
// ParseReference maps O to 0 and I, L to 1 the same way.
const referenceAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// referenceLen is the number of random characters: 32^6 ≈ 10^9 codes.
const referenceLen = 6

// ReferencePattern matches a well-formed reference such as DC-7KQ2-9D.
// Golden transcripts may use it to mask the random part.
var ReferencePattern = regexp.MustCompile(`\b[A-Z]{2,3}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}\b`)

// ErrReferenceTaken is returned when a new report's random reference is
// already used. It wraps bot.ErrRetry, so the runtime runs the whole step
// again and draws a new reference, and store.ErrDuplicate. Nothing was
// stored.
var ErrReferenceTaken = fmt.Errorf("intake: report reference already taken: %w (%w)", bot.ErrRetry, store.ErrDuplicate)

// referencePrefixes are the readable jurisdiction prefixes. A jurisdiction
// not listed uses "US".
var referencePrefixes = map[string]string{
	jurisdiction.DC:           "DC",
	jurisdiction.Pittsburgh:   "PGH",
	jurisdiction.Allegheny:    "ALG",
	jurisdiction.Hawaii:       "HI",
	jurisdiction.Eugene:       "EUG",
	jurisdiction.MountainView: "MV",
	jurisdiction.Oregon:       "OR",
	jurisdiction.Pennsylvania: "PA",
	jurisdiction.California:   "CA",
	jurisdiction.Federal:      "US",
}

// prefixesLongestFirst lets ParseReference split "PGH2222AB" correctly.
var prefixesLongestFirst = func() []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range referencePrefixes {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}()

// ReferencePrefix returns the prefix of references for a jurisdiction.
func ReferencePrefix(jurisdictionID string) string {
	if p, ok := referencePrefixes[jurisdictionID]; ok {
		return p
	}
	return "US"
}

// NewReference draws a random reference for the jurisdiction, e.g.
// "DC-7KQ2-9D", reading randomness from rnd (crypto/rand.Reader when nil).
// References are unique in the database; on the rare collision
// InsertReport fails and the caller draws again.
func NewReference(rnd io.Reader, jurisdictionID string) (string, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	var buf [referenceLen]byte
	if _, err := io.ReadFull(rnd, buf[:]); err != nil {
		return "", fmt.Errorf("intake: reference randomness: %w", err)
	}
	code := make([]byte, referenceLen)
	for i, b := range buf {
		code[i] = referenceAlphabet[b&31] // 256 is a multiple of 32: no bias
	}
	return ReferencePrefix(jurisdictionID) + "-" + string(code[:4]) + "-" + string(code[4:]), nil
}

// errBadReference is returned by ParseReference.
var errBadReference = errors.New("intake: not a report reference")

// ParseReference reads a reference as a person may type it: any case, with
// or without dashes or spaces, with O for 0 and I or L for 1. It returns the
// canonical form.
func ParseReference(s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(strings.TrimSpace(s)) {
		switch {
		case r == '-' || r == ' ' || r == '.' || r == '#' || r == '－' || r == '—' || r == '–':
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r >= 'Ａ' && r <= 'Ｚ':
			b.WriteRune('A' + (r - 'Ａ'))
		case r < 0x80:
			b.WriteRune(r)
		default:
			return "", errBadReference
		}
	}
	flat := b.String()
	for _, p := range prefixesLongestFirst {
		code, ok := strings.CutPrefix(flat, p)
		if !ok || len(code) != referenceLen {
			continue
		}
		canon := make([]byte, referenceLen)
		valid := true
		for i := 0; i < referenceLen; i++ {
			c := code[i]
			switch c {
			case 'O':
				c = '0'
			case 'I', 'L':
				c = '1'
			}
			if strings.IndexByte(referenceAlphabet, c) < 0 {
				valid = false
				break
			}
			canon[i] = c
		}
		if valid {
			return p + "-" + string(canon[:4]) + "-" + string(canon[4:]), nil
		}
	}
	return "", errBadReference
}

// MaskReferences replaces the random part of every reference in s with
// X's ("DC-7KQ2-9D" → "DC-XXXX-XX"), keeping the jurisdiction prefix, so
// golden transcripts stay stable while still showing where a report went.
func MaskReferences(s string) string {
	return ReferencePattern.ReplaceAllStringFunc(s, func(ref string) string {
		prefix, _, _ := strings.Cut(ref, "-")
		return prefix + "-XXXX-XX"
	})
}
