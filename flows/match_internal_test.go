package flows

import "testing"

// TestSpacelessFastPath: the shortcuts spaceless takes for Hangul, Han and
// Ethiopic answer as Unicode's tables do, for every code point.
func TestSpacelessFastPath(t *testing.T) {
	for r := rune(0); r <= 0x10FFFF; r++ {
		if got, want := spaceless(r), spacelessSlow(r); got != want {
			t.Fatalf("spaceless(%U) = %v, Unicode's tables say %v", r, got, want)
		}
	}
}
