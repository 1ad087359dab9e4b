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
