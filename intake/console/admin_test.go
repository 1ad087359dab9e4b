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
	if status, _ := admin.get(Path + "/audit?report=x"); status != http.StatusBadRequest {
		t.Fatalf("bad filter: %d", status)
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
