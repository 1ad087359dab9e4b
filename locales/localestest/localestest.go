// Package localestest builds catalogs for tests that add a language from
// data alone (a testdata directory of locale files), as an operator would.
package localestest

import (
	"os"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rightsline/rightsline/locales"
)

// CatalogWith is the catalog in localesDir (the repository's locales/)
// plus the languages langs of the data in dir: its languages.toml entries
// appended to locales', its message and detection files added. Messages
// dir does not translate stand in as the English text (a file of their
// own, fill.<lang>.toml), so such tests do not break whenever an English
// message is added. A load problem of an added language fails the test.
func CatalogWith(t testing.TB, localesDir, dir string, langs ...locales.Lang) *locales.Catalog {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, dir := range []string{localesDir, dir} {
		for _, sub := range []string{"", locales.DetectDir} {
			names, err := os.ReadDir(path.Join(dir, sub))
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range names {
				if !strings.HasSuffix(n.Name(), ".toml") {
					continue
				}
				name := path.Join(sub, n.Name())
				buf, err := os.ReadFile(path.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if f, ok := fsys[name]; ok {
					buf = append(append(f.Data, '\n'), buf...)
				}
				fsys[name] = &fstest.MapFile{Data: buf}
			}
		}
	}
	cat, _, err := locales.LoadFS(fsys, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range langs {
		var fill []*locales.Message
		for _, id := range cat.IDs() {
			if _, ok := cat.Lookup(l, id); !ok {
				en, _ := cat.Lookup(locales.English, id)
				fill = append(fill, &locales.Message{ID: id, Text: en.Text})
			}
		}
		buf, err := locales.EncodeTOML(fill)
		if err != nil {
			t.Fatal(err)
		}
		fsys["fill."+string(l)+".toml"] = &fstest.MapFile{Data: buf}
	}
	cat, problems, err := locales.LoadFS(fsys, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		for _, l := range langs {
			if strings.HasPrefix(p, string(l)+":") {
				t.Fatal(p)
			}
		}
	}
	return cat
}
