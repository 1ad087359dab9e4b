package console

import (
	"net/http"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/locales/localestest"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// ninthLanguageCatalog is the catalog on disk plus Russian from
// flows/testdata/ninth (its languages.toml entry appended, its files
// added, the messages it does not translate filled with the English):
// the runtime's catalog after a language is added from data alone.
func ninthLanguageCatalog(t *testing.T) *locales.Catalog {
	return localestest.CatalogWith(t, "../../locales", "../../flows/testdata/ninth", "ru")
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
