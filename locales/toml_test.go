package locales

import (
	"io/fs"
	"path"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestTOMLDecodersAgree: the catalog and the matcher data are decoded with
// go-toml for speed; BurntSushi/toml (the decoder they were written for,
// and go-i18n's tools') is the reference, and the two must give the same
// values for every embedded file.
func TestTOMLDecodersAgree(t *testing.T) {
	names, err := fs.Glob(files, "*.toml")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, name := range names {
		if name == LanguagesFile {
			continue
		}
		buf, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := toml.Unmarshal(buf, &want); err != nil {
			t.Fatal(name, err)
		}
		got, err := decodeCatalogFile(buf)
		if err != nil {
			t.Fatal(name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: go-toml and BurntSushi/toml decode it differently", name)
		}
		n++
	}
	for _, pattern := range []string{"match/*.toml", "examples/*.toml"} {
		names, err := fs.Glob(understandFiles, pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			buf, err := fs.ReadFile(understandFiles, name)
			if err != nil {
				t.Fatal(err)
			}
			var want, got any
			switch {
			case path.Base(name) == "rules.toml":
				want, got = &MatchRules{}, &MatchRules{}
			case strings.HasPrefix(name, "match/"):
				want, got = &MatchData{}, &MatchData{}
			default:
				want, got = &Examples{}, &Examples{}
			}
			if _, err := toml.Decode(string(buf), want); err != nil {
				t.Fatal(name, err)
			}
			if err := decodeStrictBytes(name, buf, got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: go-toml and BurntSushi/toml decode it differently", name)
			}
			n++
		}
	}
	if n < 40 {
		t.Fatalf("compared %d files; the embedded catalog and matcher data have more", n)
	}
}

// TestTOMLDecodeErrors: a syntax error says where it is, and an unknown
// key in matcher data is refused by name.
func TestTOMLDecodeErrors(t *testing.T) {
	if _, err := decodeCatalogFile([]byte("[\"a\"]\nother = \"x\"\nbroken = \n")); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("syntax error: %v, want one naming line 3", err)
	}
	err := decodeStrictBytes("match/xx.toml", []byte("[spelling]\nu = \"you\"\n[negtive]\nx = [\"y\"]\n"), &MatchData{})
	if err == nil || !strings.Contains(err.Error(), "unknown keys negtive") {
		t.Errorf("unknown key: %v, want \"unknown keys negtive\"", err)
	}
	if err := decodeStrictBytes("match/xx.toml", []byte("[spelling]\nu = \"you\"\n"), &MatchData{}); err != nil {
		t.Errorf("good file refused: %v", err)
	}
}
