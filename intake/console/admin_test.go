package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/store/storetest"
)

func TestAdminReadsAuditLog(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	dc := b.login("dc")
	id := b.reports["dc"].ID
	dc.get(fmt.Sprintf("%s/reports/%d", Path, id))
	admin := b.login("admin")
	status, body := admin.get(fmt.Sprintf("%s/audit?report=%d", Path, id))
	if status != http.StatusOK {
		t.Fatalf("audit page: %d", status)
	}
	if !strings.Contains(body, "dc@example.org") || !strings.Contains(body, "report.view") {
		t.Fatalf("audit page lacks the dc view:\n%s", body)
	}
	if status, body := admin.get(Path + "/audit?report=x"); status != http.StatusNotFound || !strings.Contains(body, "No report has the reference or number") {
		t.Fatalf("unknown report filter: %d", status)
	}
}

// TestAuditSearchByReferenceAndStaff: the audit filter takes a reference
// as staff type it (any case, spaces for dashes) instead of answering 400,
// and a staff member's e-mail; both together narrow to one member's
// entries about one report.
func TestAuditSearchByReferenceAndStaff(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	dcRep, noneRep := b.reports["dc"], b.reports["dcNone"]
	dc := b.login("dc")
	dc.get(fmt.Sprintf("%s/reports/%d", Path, dcRep.ID))
	dc.get(fmt.Sprintf("%s/reports/%d", Path, noneRep.ID))
	admin := b.login("admin")
	admin.get(fmt.Sprintf("%s/reports/%d", Path, dcRep.ID))
	typed := strings.ToLower(strings.ReplaceAll(dcRep.Reference, "-", " "))
	status, body := admin.get(Path + "/audit?report=" + url.QueryEscape(typed))
	if status != http.StatusOK {
		t.Fatalf("audit by reference %q: %d", typed, status)
	}
	if !strings.Contains(body, "dc@example.org") || !strings.Contains(body, "admin@example.org") || strings.Contains(body, fmt.Sprintf(">%d</a>", noneRep.ID)) {
		t.Errorf("audit by reference should list both views of %s and nothing about report %d", dcRep.Reference, noneRep.ID)
	}
	status, body = admin.get(Path + "/audit?staff=DC@example.org&report=" + url.QueryEscape(typed))
	if status != http.StatusOK || !strings.Contains(body, "dc@example.org") || strings.Contains(body, "<td data-label=\"Who\">admin@example.org") {
		t.Errorf("audit by staff and reference: %d; should list only dc's entries", status)
	}
	if status, body := admin.get(Path + "/audit?staff=nobody@example.org"); status != http.StatusNotFound || !strings.Contains(body, "No staff member") {
		t.Errorf("unknown staff filter: %d", status)
	}
}

func TestAdminDisablesStaff(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	dc := b.login("dc")
	admin := b.login("admin")
	admin.get(Path + "/staff")
	if status, _, _ := admin.post(fmt.Sprintf("%s/staff/%d/active", Path, b.staff["dc"].ID), url.Values{"active": {"0"}}); status != http.StatusSeeOther {
		t.Fatalf("disable: %d", status)
	}
	if status, _ := dc.get(Path + "/reports"); status != http.StatusSeeOther {
		t.Fatalf("disabled member's session still works: %d", status)
	}
	if status, _, _ := b.newClient().signIn("dc@example.org", testPassword); status != http.StatusUnauthorized {
		t.Fatalf("disabled member signs in: %d", status)
	}
	if status, _, _ := admin.post(fmt.Sprintf("%s/staff/%d/active", Path, b.staff["admin"].ID), url.Values{"active": {"0"}}); status != http.StatusBadRequest {
		t.Fatalf("admin disabling themselves: %d, want 400", status)
	}
	if status, _, body := admin.post(fmt.Sprintf("%s/staff/%d/password", Path, b.staff["pgh"].ID), nil); status != http.StatusOK || !strings.Contains(body, "<code>") {
		t.Fatalf("password reset: %d", status)
	}
	if status, _, _ := b.newClient().signIn("pgh@example.org", testPassword); status != http.StatusUnauthorized {
		t.Fatalf("old password works after reset: %d", status)
	}
	if status, _, _ := admin.post(Path+"/commissions/pgh-chr/active", url.Values{"active": {"0"}}); status != http.StatusSeeOther {
		t.Fatalf("close commission: %d", status)
	}
	if cm, _ := b.store.CommissionByID(t.Context(), "pgh-chr"); cm.Active {
		t.Fatalf("commission still active")
	}
	if status, _, _ := admin.post(Path+"/commissions/nowhere/active", url.Values{"active": {"0"}}); status != http.StatusNotFound {
		t.Fatalf("unknown commission: %d", status)
	}
}
