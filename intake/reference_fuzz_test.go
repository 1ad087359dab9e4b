package intake

import (
	"bytes"
	"testing"
)

// FuzzParseReference reads any text as a report reference: what it
// accepts is canonical (matches ReferencePattern, reads back as itself),
// and every reference NewReference makes is read back unchanged. The seed
// corpus runs in every `go test`; explore with
//
//	go test ./intake -run '^$' -fuzz FuzzParseReference -fuzztime 1m
func FuzzParseReference(f *testing.F) {
	for _, s := range []string{
		"DC-7KQ2-9D", "dc 7kq2 9d", "PGH2222AB", "pgh-oooo-il", "ＤＣ－７ＫＱ２－９Ｄ", "#US-0000-00",
		"DC-7KQ2-9", "DC-7KQ2-9DD", "XX-7KQ2-9D", "DC-UUUU-UU", "", "-", "DC—7KQ2–9D", "ALG.1234.56", "é",
	} {
		f.Add(s, []byte("0123456789"))
	}
	f.Fuzz(func(t *testing.T, s string, entropy []byte) {
		if ref, err := ParseReference(s); err == nil {
			if !ReferencePattern.MatchString(ref) || ReferencePattern.FindString(ref) != ref {
				t.Fatalf("ParseReference(%q) = %q, not a canonical reference", s, ref)
			}
			if again, err := ParseReference(ref); err != nil || again != ref {
				t.Fatalf("ParseReference(%q) = %q, which reads back as %q, %v", s, ref, again, err)
			}
			if MaskReferences(ref) == ref {
				t.Fatalf("MaskReferences(%q) left it unmasked", ref)
			}
		}
		if len(entropy) < referenceLen {
			return
		}
		for id := range referencePrefixes {
			ref, err := NewReference(bytes.NewReader(entropy), id)
			if err != nil {
				t.Fatalf("NewReference(%s): %v", id, err)
			}
			if got, err := ParseReference(ref); err != nil || got != ref {
				t.Fatalf("NewReference made %q, read back as %q, %v", ref, got, err)
			}
		}
	})
}
