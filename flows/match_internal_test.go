package flows

import (
	"testing"

	"github.com/rightsline/rightsline/locales"
)

// TestSpacelessFastPath: the shortcuts spaceless takes for Hangul, Han and
// Ethiopic answer as Unicode's tables do, for every code point.
func TestSpacelessFastPath(t *testing.T) {
	for r := rune(0); r <= 0x10FFFF; r++ {
		if got, want := spaceless(r), spacelessSlow(r); got != want {
			t.Fatalf("spaceless(%U) = %v, Unicode's tables say %v", r, got, want)
		}
	}
}

// TestLatinConsonants: romanised Amharic words give the consonants of the
// same words in Ethiopic letters.
func TestLatinConsonants(t *testing.T) {
	for _, c := range []struct{ latin, ethiopic string }{
		{"akerayu", "አከራዩ"}, {"shagata", "ሻጋታ"}, {"zare", "ዛሬ"}, {"mata", "ማታ"},
		{"dinkuan", "ድንኳን"}, {"tsehay", "ፀሐይ"}, {"polis", "ፖሊስ"}, {"tekeyere", "ተቀየረ"},
		{"yelegnm", "የለኝም"}, {"chigir", "ችግር"}, {"selam", "ሰላም"}, {"bet", "ቤት"},
	} {
		var cs [64]byte
		got := string(latinConsonants(c.latin, &cs))
		var want []byte
		for _, r := range []rune(locales.MatchFold(c.ethiopic)) {
			if k := ethiopicConsonant(r); k != 0 && (len(want) == 0 || want[len(want)-1] != k) {
				want = append(want, k)
			}
		}
		if got != string(want) {
			t.Errorf("latinConsonants(%q) = %q; %s gives %q", c.latin, got, c.ethiopic, want)
		}
	}
}

// TestEthiopicWordsLastLetter: an Amharic word of the matcher's data is
// found with the vowel of a suffix fused into its last letter (ማኔጀር,
// ማኔጀሩ "the manager"), and a short one only as written.
func TestEthiopicWordsLastLetter(t *testing.T) {
	m := &langModel{conceptStarts: map[uint64]bool{}, conceptFirsts: map[uint64]bool{}}
	key := func(w string) uint64 {
		k, ok := m.lookupKey(w)
		if !ok {
			t.Fatalf("lookupKey(%q): not a key", w)
		}
		return k
	}
	if key("ማኔጀር") != key("ማኔጀሩ") || key("ሃይማኖት") != key("ሃይማኖቴ") {
		t.Error("a word and the same word with a suffix's vowel are found apart")
	}
	if key("ሆቴል") == key("ሆቴሉ") {
		t.Error("a three-letter word is found without its last letter")
	}
}

// TestCorrectMisspellings: a misspelt word is corrected to the known word
// one edit away (a letter left out, added or changed, two swapped), not to
// one two edits away that a deletion from each side happens to meet
// ("hoars" is "horas", not "hogar"); a four-letter word only when a letter
// was left out of a longer one ("ayda", ayuda), and known words stay.
func TestCorrectMisspellings(t *testing.T) {
	m := &langModel{prefixes: true, stems: map[string]string{}, wordCount: map[string]int{}}
	feat := map[uint64]int32{}
	// hogar is the commoner: an older reading of the deletions took it
	// for "hoars".
	for i, w := range []string{"hogar", "horas", "ayuda", "tener", "casa", "poner"} {
		m.wordCount[w] = 10 - i
		feat[hashFeat('w', w, "")] = int32(i)
	}
	m.feat = newFeatTable(feat)
	m.buildVocab()
	for _, c := range []struct{ in, want string }{
		{"hoars", "horas"}, // two swapped
		{"horsa", "horas"}, // two swapped, at the end
		{"hogsr", "hogar"}, // a letter changed
		{"teenr", "tener"}, // two swapped
		{"ayda", "ayuda"},  // four letters, one left out
		{"ayuuda", "ayuda"},
		{"cosa", "cosa"},   // four letters, one changed: left as it is
		{"casa", "casa"},   // known
		{"pxnxr", "pxnxr"}, // two edits from poner
	} {
		if got := m.correct(c.in); got != c.want {
			t.Errorf("correct(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}
