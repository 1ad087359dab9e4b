package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

func TestStaffAddTranslator(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "staff.db")
	t.Setenv("DATABASE_URL", dbURL)
	var out, errOut bytes.Buffer
	err := dispatch(context.Background(), []string{"staff", "add", "--email", "tigist@example.org", "--role", "translator", "--lang", "am", "--name", "Tigist"}, nil, &out, &errOut)
	if err != nil || !strings.Contains(out.String(), "One-time password (shown only now): ") {
		t.Fatalf("staff add translator: %v (%s%s)", err, out.String(), errOut.String())
	}
	st := openWithKeyFile(t, dbURL)
	who, err := st.StaffByEmail(context.Background(), "tigist@example.org")
	if err != nil || !who.IsTranslator() || who.CommissionID != "" || !who.MustChangePassword {
		t.Fatalf("stored account = %+v, %v", who, err)
	}
	if langs, err := st.StaffLangs(context.Background(), who.ID); err != nil || strings.Join(langs, ",") != "am" {
		t.Fatalf("langs = %v, %v", langs, err)
	}
	for _, args := range [][]string{
		{"staff", "add", "--email", "a@example.org", "--role", "translator"},                                           // no language
		{"staff", "add", "--email", "b@example.org", "--role", "translator", "--lang", "tlh"},                          // unknown
		{"staff", "add", "--email", "c@example.org", "--role", "translator", "--lang", "am", "--commission", "dc-ohr"}, // a commission
		{"staff", "add", "--email", "d@example.org", "--role", "staff", "--commission", "dc-ohr", "--lang", "am"},      // staff with a language
	} {
		if err := dispatch(context.Background(), args, nil, io.Discard, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	err = dispatch(context.Background(), []string{"staff", "add", "--email", "e@example.org", "--role", "translator", "--lang", "en"}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "English is the source") {
		t.Errorf("an English translator: %v", err)
	}
}

// TestStartupAppliesTranslationEdits: an edit in the database is what the
// service sends from start-up on (wireRuntime).
func TestStartupAppliesTranslationEdits(t *testing.T) {
	ctx := context.Background()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "edits.db")
	k, err := loadKeys(config{DatabaseURL: dbURL}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dbURL, store.WithKeys(k))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	en, _ := cat.Lookup(locales.English, "common.disclaimer")
	err = st.InTx(ctx, func(tx *store.Tx) error {
		return tx.InsertTranslationEdit(ctx, &store.TranslationEdit{Lang: "am", MessageID: "common.disclaimer", Text: "የተገመገመ ጽሑፍ። 911።", SourceHash: en.Hash(), Status: store.TranslationReviewed, StaffName: "Tigist"})
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	a := newTestApp(t, dbURL, false)
	if got, _ := a.catalog.Text(locales.Amharic, "common.disclaimer", nil); got != "የተገመገመ ጽሑፍ። 911።" {
		t.Errorf("after start-up the service sends %q", got)
	}
}

func TestI18nImportFoldsXLIFFIntoFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "en.toml"), []byte("[\"a.x\"]\nother = \"Hello\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, l := range locales.All[1:] {
		if err := os.WriteFile(filepath.Join(dir, string(l)+".toml"), []byte("[\"a.x\"]\nhash = \""+locales.SourceHash("", "Hello")+"\"\nother = \"Hola\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var x bytes.Buffer
	if err := locales.WriteXLIFF(&x, locales.Amharic, []locales.XLIFFUnit{{ID: "a.x", Source: "Hello", Target: "ሰላም", Review: locales.ReviewReviewed}}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "am.xlf")
	if err := os.WriteFile(file, x.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := dispatch(context.Background(), []string{"i18n", "import", "--dir", dir, file}, nil, io.Discard, io.Discard); !errors.Is(err, errUsage) {
		t.Errorf("without --by: %v", err)
	}
	var out bytes.Buffer
	if err := dispatch(context.Background(), []string{"i18n", "import", "--by", "Tigist", "--dir", dir, file}, nil, &out, io.Discard); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	cat, _, err := locales.LoadFS(os.DirFS(dir), true)
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := cat.Lookup(locales.Amharic, "a.x"); m.Text != "ሰላም" || m.Review != locales.ReviewReviewed || m.ReviewedBy != "Tigist" {
		t.Errorf("am a.x = %+v\n%s", m, out.String())
	}
}
