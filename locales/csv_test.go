package locales

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestCSVRoundTrip writes rows and reads them back exactly: line breaks,
// quotes, separators, non-Latin scripts, and cells a spreadsheet would run
// as formulas (escaped with an apostrophe in the file, unescaped on read).
func TestCSVRoundTrip(t *testing.T) {
	rows := []ReviewRow{
		{ID: "a.menu", English: "1 Home\n2 Work", Translation: "1 ቤት\n2 \"ሥራ\", ቢሮ", Notes: "Menu; keep numbers.", Segments: 1, Lint: "ok", Review: ReviewReviewed, Reviewer: "Tigist", ReviewedAt: "2026-12-01T15:00:00Z", SourceHash: "sha1-x"},
		{ID: "a.f1", English: "=1+1", Translation: "=cmd|' /C calc'!A0", Review: ReviewDraft, SourceHash: "sha1-y"},
		{ID: "a.f2", English: "-2", Translation: "+SUM(A1)", Review: ReviewDraft},
		{ID: "a.f3", English: "@x", Translation: "'=already quoted", Review: ReviewDraft},
		{ID: "a.f4", English: "'plain apostrophe", Translation: "\tTab", Review: ReviewDraft},
		{ID: "a.f5", English: "x", Translation: "＝全角", Review: ReviewStale},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, Amharic, rows); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	if !strings.HasPrefix(raw, "\ufeffid,English,translation (am),notes,segments,lint,review status,reviewer,reviewed at,source hash\r\n") {
		t.Fatalf("header: %q", raw[:120])
	}
	for _, cell := range []string{`'=cmd|' /C calc'!A0`, `'+SUM(A1)`, `'-2`, `'@x`, `''=already quoted`, "'\tTab", "'＝全角", `'=1+1`} {
		if !strings.Contains(raw, cell) {
			t.Errorf("the file lacks the escaped cell %q:\n%s", cell, raw)
		}
	}
	for _, line := range strings.Split(raw, "\r\n") {
		for _, cell := range strings.Split(line, ",") {
			if c := strings.TrimPrefix(cell, "\""); c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
				t.Errorf("a cell starts with a formula character: %q", cell)
			}
		}
	}
	l, got, err := ReadCSV(strings.NewReader(raw))
	if err != nil || l != Amharic || len(got) != len(rows) {
		t.Fatalf("read: %s %d %v", l, len(got), err)
	}
	for i, r := range rows {
		g := got[i]
		want := r.Review
		if want == ReviewStale {
			want = ReviewDraft // stale reads back as a draft
		}
		if g.ID != r.ID || g.English != r.English || g.Translation != r.Translation || g.Notes != r.Notes || g.Review != want || g.SourceHash != r.SourceHash || g.Reviewer != r.Reviewer || g.ReviewedAt != r.ReviewedAt {
			t.Errorf("row %d: got %+v\nwant %+v", i, g, r)
		}
	}
	if got[0].Line != 2 {
		t.Errorf("first row's line = %d", got[0].Line)
	}
}

// TestCSVAsSpreadsheetsSaveIt reads what spreadsheets write back: no BOM,
// semicolons, UTF-16 "Unicode text" with tabs, LF, columns reordered.
func TestCSVAsSpreadsheetsSaveIt(t *testing.T) {
	semi := "review status;id;English;translation (vi);source hash\nreviewed;a.x;Hello;Xin chào;h1\n"
	l, rows, err := ReadCSV(strings.NewReader(semi))
	if err != nil || l != Vietnamese || len(rows) != 1 || rows[0].Translation != "Xin chào" || rows[0].Review != ReviewReviewed {
		t.Fatalf("semicolons: %s %+v %v", l, rows, err)
	}
	tabs := "\ufeffid\tEnglish\ttranslation (ko)\treview status\tsource hash\r\na.x\tHello\t안녕하세요\tdraft\th1\r\n"
	u := utf16.Encode([]rune(tabs))
	b := []byte{}
	for _, c := range u {
		b = append(b, byte(c), byte(c>>8))
	}
	l, rows, err = ReadCSV(bytes.NewReader(b))
	if err != nil || l != Korean || len(rows) != 1 || rows[0].Translation != "안녕하세요" {
		t.Fatalf("UTF-16: %s %+v %v", l, rows, err)
	}
}

func TestCSVRefusals(t *testing.T) {
	head := "id,English,translation (am),review status,source hash\n"
	for name, c := range map[string]struct{ file, want string }{
		"empty":          {"", "empty"},
		"binary":         {"PK\x03\x04\x00\x00", "not UTF-8"},
		"latin-1":        {head + "a.x,Hello,caf\xe9,draft,h\n", "not UTF-8"},
		"no translation": {"id,English,review status,source hash\na.x,Hi,draft,h\n", `"translation (<language>)"`},
		"english":        {"id,English,translation (en),review status,source hash\na.x,Hi,Hi,draft,h\n", `"translation (<language>)"`},
		"unknown lang":   {"id,English,translation (xx),review status,source hash\na.x,Hi,Hi,draft,h\n", `"translation (<language>)"`},
		"no hash column": {"id,English,translation (am),review status\na.x,Hi,ሰላም,draft\n", `no "source hash" column`},
		"no id":          {head + ",Hi,ሰላም,draft,h\n", "line 2 has no id"},
		"twice":          {head + "a.x,Hi,ሰላም,draft,h\na.x,Hi,ሰላም,draft,h\n", "line 3 repeats a.x (first on line 2)"},
		"status":         {head + "a.x,Hi,ሰላም,done,h\n", `line 2: the review status is "done"`},
		"quotes":         {head + "a.x,\"Hi,ሰላም,draft,h\n", "parse error"},
		"header only":    {head, "no message rows"},
	} {
		_, _, err := ReadCSV(strings.NewReader(c.file))
		if !errors.Is(err, ErrBadCSV) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want ErrBadCSV saying %q", name, err, c.want)
		}
	}
}
