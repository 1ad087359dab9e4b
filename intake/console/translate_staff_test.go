package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestAdminManagesTranslators is the staff page for translators, on both
// backends: an admin creates a translator with their languages and changes
// them later, audited; the translator then sees only the translators'
// console for those languages, never a report, and every refusal is
// audited as access.denied. No one else may set languages.
func TestAdminManagesTranslators(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			b, _ := setupTranslations(t, backend)
			ctx := t.Context()
			admin := b.login("admin")
			status, _, body := admin.post(Path+"/staff", url.Values{"email": {"Selam@Example.org"}, "name": {"Selam"}, "role": {"translator"}, "commission": {"dc-ohr"}, "lang": {"ko", "am"}})
			if status != http.StatusOK || !strings.Contains(body, "One-time password for <strong>selam@example.org</strong>") {
				t.Fatalf("add translator: %d\n%s", status, body)
			}
			selam, err := b.store.StaffByEmail(ctx, "selam@example.org")
			if err != nil || selam.Role != store.RoleTranslator || selam.CommissionID != "" {
				t.Fatalf("stored: %+v %v", selam, err)
			}
			if langs, _ := b.store.StaffLangs(ctx, selam.ID); strings.Join(langs, ",") != "am,ko" {
				t.Errorf("languages = %v", langs)
			}
			if !strings.Contains(body, "languages: am, ko") {
				t.Errorf("the staff page does not show the languages:\n%s", body)
			}
			if n := b.count("audit_log", "action = 'staff.langs'"); n < 2 { // tr in setup, selam here
				t.Errorf("staff.langs audit rows = %d", n)
			}
			for name, form := range map[string]url.Values{
				"no language": {"email": {"x1@example.org"}, "role": {"translator"}},
				"english":     {"email": {"x2@example.org"}, "role": {"translator"}, "lang": {"en"}},
				"unknown":     {"email": {"x3@example.org"}, "role": {"translator"}, "lang": {"xx"}},
			} {
				if status, _, body := admin.post(Path+"/staff", form); status != http.StatusBadRequest || !strings.Contains(body, "class=\"error\"") {
					t.Errorf("%s: %d", name, status)
				}
			}
			if n := b.count("staff", "email LIKE 'x_@example.org'"); n != 0 {
				t.Errorf("refused forms created %d accounts", n)
			}

			// The Amharic translator gets Korean instead: Korean opens,
			// Amharic and the reports do not, each refusal audited.
			tr := b.loginTranslator()
			trID := b.staff["tr"].ID
			status, loc, _ := admin.post(fmt.Sprintf("%s/staff/%d/langs", Path, trID), url.Values{"lang": {"ko"}})
			if status != http.StatusSeeOther || !strings.HasPrefix(loc, Path+"/staff") {
				t.Fatalf("set languages: %d %q", status, loc)
			}
			if n := b.count("audit_log", fmt.Sprintf("action = 'staff.langs' AND detail = 'staff %d: ko'", trID)); n != 1 {
				t.Errorf("the change is not audited (%d rows)", n)
			}
			if status, _ := tr.get(Path + "/translate/ko"); status != http.StatusOK {
				t.Errorf("translator GET ko after the change: %d", status)
			}
			deniedBefore := b.count("audit_log", fmt.Sprintf("action = 'access.denied' AND staff_id = %d", trID))
			for _, path := range []string{"/translate/am", "/translate/am/export.csv", "/translate/es", fmt.Sprintf("/reports/%d", b.reports["dc"].ID), "/dashboard", "/export.csv", "/staff", "/audit"} {
				if status, _ := tr.get(Path + path); status != http.StatusNotFound {
					t.Errorf("translator GET %s: %d, want 404", path, status)
				}
			}
			if status, _, _ := tr.post(fmt.Sprintf("%s/staff/%d/langs", Path, trID), url.Values{"lang": {"am", "es"}}); status != http.StatusNotFound {
				t.Errorf("a translator sets their own languages: %d", status)
			}
			if n := b.count("audit_log", fmt.Sprintf("action = 'access.denied' AND staff_id = %d", trID)) - deniedBefore; n != 9 {
				t.Errorf("refusals audited: %d, want 9", n)
			}
			if langs, _ := b.store.StaffLangs(ctx, trID); strings.Join(langs, ",") != "ko" {
				t.Errorf("languages after the translator's attempt = %v", langs)
			}
			// Commission staff cannot set languages; a non-translator has none.
			dc := b.login("dc")
			if status, _, _ := dc.post(fmt.Sprintf("%s/staff/%d/langs", Path, trID), url.Values{"lang": {"am"}}); status != http.StatusNotFound {
				t.Errorf("staff sets languages: %d", status)
			}
			if status, _, body := admin.post(fmt.Sprintf("%s/staff/%d/langs", Path, b.staff["dc"].ID), url.Values{"lang": {"am"}}); status != http.StatusBadRequest || !strings.Contains(body, "Only a translator") {
				t.Errorf("languages for commission staff: %d", status)
			}
			if status, _, _ := admin.post(fmt.Sprintf("%s/staff/%d/langs", Path, trID), url.Values{}); status != http.StatusBadRequest {
				t.Errorf("no language: %d", status)
			}
			if status, _, _ := admin.post(Path+"/staff/999999/langs", url.Values{"lang": {"am"}}); status != http.StatusNotFound {
				t.Errorf("unknown account: %d", status)
			}
		})
	}
}
