package locales

import (
	"bytes"
	"strings"
	"testing"
)

func TestStatusCounts(t *testing.T) {
	cat := fixture(t, map[string]string{"a.one": "One", "a.two": "Two", "a.three": "Three"}, func(l Lang, id string, m *Message) *Message {
		switch {
		case l == Spanish && id == "a.one":
			m.SourceHash = SourceHash("", "Uno")
		case l == Spanish && id == "a.two":
			m.Review = ReviewReviewed
		case l == Spanish && id == "a.three":
			return nil
		case l == Korean && id == "a.one":
			m.SourceHash = ""
		}
		return m
	})
	st := Status(cat)
	byLang := map[Lang]LangStatus{}
	for _, s := range st {
		byLang[s.Lang] = s
	}
	es := byLang[Spanish]
	if es.Total != 3 || es.Complete != 1 || es.Stale != 1 || es.Missing != 1 || es.Draft != 1 || es.Reviewed != 1 {
		t.Errorf("es: %+v", es)
	}
	if es.StaleIDs[0] != "a.one" || es.MissingIDs[0] != "a.three" {
		t.Errorf("es IDs: %+v", es)
	}
	if ko := byLang[Korean]; ko.Unhashed != 1 || ko.Complete != 2 || ko.Draft != 3 {
		t.Errorf("ko: %+v", ko)
	}
	if en := byLang[English]; en.Complete != 3 || en.Stale != 0 || en.Draft != 0 {
		t.Errorf("en: %+v", en)
	}
	var b bytes.Buffer
	if err := WriteStatus(&b, st, true); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"LANGUAGE", "en (source)", "es stale (1):\n  a.one", "es missing (1):\n  a.three", "ko no hash (1)", "33%"} {
		if !strings.Contains(out, want) {
			t.Errorf("status output lacks %q:\n%s", want, out)
		}
	}
	if lines := strings.Count(out[:strings.Index(out, "\n\n")], "\n"); lines != len(All) {
		t.Errorf("want a header and one row per language, got %d lines:\n%s", lines+1, out)
	}
}
