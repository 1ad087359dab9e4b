package console

import (
	"net/http"
	"os"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// ninthLanguageCatalog is the catalog on disk plus Russian from
// flows/testdata/ninth (its languages.toml entry appended, its files
// added, the messages it does not translate filled with the English):
// the runtime's catalog after a language is added from data alone.
func ninthLanguageCatalog(t *testing.T) *locales.Catalog {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, dir := range []string{"../../locales", "../../flows/testdata/ninth"} {
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
	var fill []*locales.Message
	for _, id := range cat.IDs() {
		if _, ok := cat.Lookup("ru", id); !ok {
			en, _ := cat.Lookup(locales.English, id)
			fill = append(fill, &locales.Message{ID: id, Text: en.Text})
		}
	}
	buf, err := locales.EncodeTOML(fill)
	if err != nil {
		t.Fatal(err)
	}
	fsys["fill.ru.toml"] = &fstest.MapFile{Data: buf}
	if cat, _, err = locales.LoadFS(fsys, false); err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestConsoleListsANinthLanguage: the console's languages are the
// runtime catalog's, not the embedded list: a language added from data
// (Russian, flows/testdata/ninth) is in the queue's language filter and
// filters, labels a Russian report, is offered in the settings and counted
// on the dashboard, and an admin can translate it.
func TestConsoleListsANinthLanguage(t *testing.T) {
	t.Parallel()
	cat := ninthLanguageCatalog(t)
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			b := setupWith(t, backend, func(_ *bundle, c *Config) { c.Catalog = cat })
			ctx := t.Context()
			ref := "TS-RU-0001"
			err := b.store.InTx(ctx, func(tx *store.Tx) error {
				c, err := tx.ContactForUpdate(ctx, "sms", "+12025550190")
				if err != nil {
					return err
				}
				r := store.Report{Reference: ref, ContactID: c.ID, Channel: "sms", Lang: "ru", Category: "housing",
					Narrative: "x", ContactMethod: store.ContactThis, Consent: true, CommissionID: "dc-ohr"}
				return tx.InsertReport(ctx, &r)
			})
			if err != nil {
				t.Fatal(err)
			}
			admin := b.login("admin")
			const label = "Russian (Русский)"
			if status, body := admin.get(Path + "/reports"); status != http.StatusOK || !strings.Contains(body, `<option value="ru"`) || !strings.Contains(body, label) {
				t.Errorf("queue: %d, no Russian in the language filter", status)
			}
			if _, body := admin.get(Path + "/reports?lang=ru"); !strings.Contains(body, ref) || strings.Contains(body, b.reports["dc"].Reference) {
				t.Errorf("the Russian filter does not list the Russian report alone")
			}
			for _, p := range []string{"/settings", "/dashboard", "/translate"} {
				if status, body := admin.get(Path + p); status != http.StatusOK || !strings.Contains(body, label) {
					t.Errorf("%s: %d, Russian not shown", p, status)
				}
			}
			if status, body := admin.get(Path + "/translate/ru"); status != http.StatusOK || !strings.Contains(body, label) {
				t.Errorf("/translate/ru: %d", status)
			}
		})
	}
}
