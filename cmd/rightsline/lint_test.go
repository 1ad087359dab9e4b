package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/locales"
)

// TestLintCommandPasses is `rightsline lint` exactly as a maintainer runs
// it, with the engine's real validators and actions: the committed flows
// and catalog must be clean.
func TestLintCommandPasses(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := dispatch(context.Background(), []string{"lint"}, nil, &out, &errOut); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "lint: ok:") {
		t.Errorf("output: %q", out.String())
	}
}

// `rightsline lint -segments` prints the segment table of the SMS actually
// sent: a row per language with the first contact, the longest menu and
// the longest answer, each within its budget (lint passes). go test -v
// shows it.
func TestLintPrintsTheSegmentTable(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := dispatch(context.Background(), []string{"lint", "-segments"}, nil, &out, &errOut); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errOut.String())
	}
	t.Logf("\n%s", out.String())
	lines := strings.Split(out.String(), "\n")
	if !strings.HasPrefix(lines[0], "lang") || !strings.Contains(lines[0], "first contact") {
		t.Fatalf("no table header:\n%s", out.String())
	}
	for i, l := range locales.All {
		row := strings.Fields(lines[1+i])
		if len(row) < 10 || row[0] != string(l) {
			t.Fatalf("row %d: %q", i, lines[1+i])
		}
		for _, cell := range []string{row[1], row[4], row[7]} { // "3/5"
			a, b, _ := strings.Cut(cell, "/")
			got, err1 := strconv.Atoi(a)
			budget, err2 := strconv.Atoi(b)
			if err1 != nil || err2 != nil || got > budget {
				t.Errorf("%s: %q is not within its budget", l, cell)
			}
		}
	}
}

func TestI18nStatusPrintsEveryLanguage(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := dispatch(context.Background(), []string{"i18n", "status"}, nil, &out, &errOut); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 1+len(locales.All) || !strings.Contains(lines[0], "STALE") {
		t.Fatalf("want a header and %d rows:\n%s", len(locales.All), out.String())
	}
}

func TestI18nHashRecordsTheEnglishHash(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "en.toml"), []byte("[\"a.x\"]\nother = \"Hello\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, l := range locales.All[1:] {
		body := "[\"a.x\"]\nother = \"Hola\"\n"
		if err := os.WriteFile(filepath.Join(dir, string(l)+".toml"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	err := dispatch(context.Background(), []string{"i18n", "hash", "--lang", "es", "--id", "a.x", "--review", "reviewed", "--dir", dir}, nil, &out, &errOut)
	if !errors.Is(err, errUsage) {
		t.Errorf("--review reviewed without --by is a usage error, got %v", err)
	}
	err = dispatch(context.Background(), []string{"i18n", "hash", "--lang", "es", "--id", "a.x", "--review", "reviewed", "--by", "Ana R.", "--dir", dir}, nil, &out, &errOut)
	if err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	buf, _ := os.ReadFile(filepath.Join(dir, "es.toml"))
	if want := "hash = \"" + locales.SourceHash("", "Hello") + "\"\n"; !strings.Contains(string(buf), want) || strings.Contains(string(buf), "review") {
		t.Fatalf("es.toml:\n%s", buf)
	}
	side, _ := os.ReadFile(filepath.Join(dir, "review", "es.toml"))
	if !strings.Contains(string(side), "status = \"reviewed\"\nby = \"Ana R.\"\nat = \"") {
		t.Fatalf("review/es.toml:\n%s", side)
	}
	err = dispatch(context.Background(), []string{"i18n", "hash", "--lang", "xx", "--id", "a.x"}, nil, &out, &errOut)
	if !errors.Is(err, errUsage) {
		t.Errorf("an unknown language is a usage error, got %v", err)
	}
}

// copyCatalog copies the catalog files (and their review sidecars) into a
// temporary folder a test may change.
func copyCatalog(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, locales.ReviewDir), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, pattern := range []string{"*.toml", locales.ReviewDir + "/*.toml"} {
		names, _ := filepath.Glob(filepath.Join("../../locales", pattern))
		for _, name := range names {
			buf, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel("../../locales", name)
			if err := os.WriteFile(filepath.Join(dir, rel), buf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// TestI18nExportImportCSV is the offline review from the command line:
// export a language as CSV, change it as a reviewer would, preview with
// -n, import into the files; stale rows are listed and not applied, and a
// file for another language is refused.
func TestI18nExportImportCSV(t *testing.T) {
	dir := copyCatalog(t)
	ctx := context.Background()
	var out, errOut bytes.Buffer
	if err := dispatch(ctx, []string{"i18n", "export", "-lang", "am", "--dir", dir}, nil, &out, &errOut); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "\ufeffid,English,translation (am),") {
		t.Fatalf("export: %.200q", out.String())
	}
	l, rows, err := locales.ReadCSV(bytes.NewReader(out.Bytes()))
	if err != nil || l != locales.Amharic {
		t.Fatalf("read back: %v", err)
	}
	path := filepath.Join(dir, "am.csv")
	write := func(rows []locales.ReviewRow, l locales.Lang) {
		var b bytes.Buffer
		if err := locales.WriteCSV(&b, l, rows); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Unchanged: nothing to do.
	write(rows, locales.Amharic)
	out.Reset()
	if err := dispatch(ctx, []string{"i18n", "import", "-lang", "am", "--dir", dir, path}, nil, &out, &errOut); err != nil || !strings.Contains(out.String(), ": 0 changed, 0 reviewed,") {
		t.Fatalf("unchanged import: %v\n%s", err, out.String())
	}
	const fixed = "እገዛ፦ ምናሌ፣ ተመለስ። አደጋ፦ 911።"
	for i := range rows {
		switch rows[i].ID {
		case "common.help":
			rows[i].Translation, rows[i].Review = fixed, locales.ReviewReviewed
		case "common.disclaimer":
			rows[i].English, rows[i].Translation = "Older English", "የቆየ"
		}
	}
	write(rows, locales.Amharic)
	before, _ := os.ReadFile(filepath.Join(dir, "am.toml"))
	// A new review needs a reviewer: the row names none and --by is absent.
	if err := dispatch(ctx, []string{"i18n", "import", "-lang", "am", "--dir", dir, path}, nil, &out, &errOut); err == nil || !strings.Contains(err.Error(), "names no reviewer") {
		t.Errorf("a review without a reviewer: %v", err)
	}
	out.Reset()
	if err := dispatch(ctx, []string{"i18n", "import", "-lang", "am", "-n", "--by", "Tigist", "--dir", dir, path}, nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "would change common.help") || !strings.Contains(s, "stale (not applied) common.disclaimer") || strings.Contains(s, "updated") {
		t.Errorf("dry run:\n%s", s)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "am.toml")); !bytes.Equal(before, after) {
		t.Error("-n wrote the files")
	}
	out.Reset()
	if err := dispatch(ctx, []string{"i18n", "import", "-lang", "am", "--by", "Tigist", "--dir", dir, path}, nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	cat, _, err := locales.LoadFS(os.DirFS(dir), true)
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := cat.Lookup(locales.Amharic, "common.help"); m.Text != fixed || m.Review != locales.ReviewReviewed || m.ReviewedBy != "Tigist" {
		t.Errorf("imported: %+v", m)
	}
	if m, _ := cat.Lookup(locales.Amharic, "common.disclaimer"); m.Text == "የቆየ" {
		t.Error("a stale row was applied")
	}
	// The file is Amharic: importing it as Korean is refused, nothing written.
	err = dispatch(ctx, []string{"i18n", "import", "-lang", "ko", "--by", "X", "--dir", dir, path}, nil, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "is for am, not -lang ko") {
		t.Errorf("wrong language: %v", err)
	}
}
