package console

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

func TestStatusWorkflow(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	dc := b.login("dc")
	r := b.reports["dc"]
	path := fmt.Sprintf("%s/reports/%d/status", Path, r.ID)
	move := func(to, reason string, notify bool) int {
		t.Helper()
		dc.get(fmt.Sprintf("%s/reports/%d", Path, r.ID))
		form := url.Values{"status": {to}, "reason": {reason}}
		if to == store.ReportClosed && reason != "" {
			form.Set("close_code", store.CloseReferred)
		}
		if notify {
			form.Set("notify", "1")
		}
		status, _, _ := dc.post(path, form)
		return status
	}
	if s := move(store.ReportAccepted, "", true); s != http.StatusBadRequest {
		t.Fatalf("new -> accepted skips review: %d, want 400", s)
	}
	if s := move(store.ReportInReview, "", true); s != http.StatusSeeOther {
		t.Fatalf("new -> in_review: %d", s)
	}
	if s := move(store.ReportReferred, "", false); s != http.StatusSeeOther {
		t.Fatalf("in_review -> referred: %d", s)
	}
	if s := move(store.ReportClosed, "", true); s != http.StatusBadRequest {
		t.Fatalf("close without reason: %d, want 400", s)
	}
	// The update fails to queue: nothing of the change may commit.
	b.notifyErr = errNotifyDown
	if s := move(store.ReportClosed, "Referred to HUD", true); s != http.StatusInternalServerError {
		t.Fatalf("close with outbox down: %d, want 500", s)
	}
	if got := b.reload("dc"); got.Status != store.ReportReferred {
		t.Fatalf("status committed without its update: %s", got.Status)
	}
	b.notifyErr = nil
	if s := move(store.ReportClosed, "Referred to HUD", true); s != http.StatusSeeOther {
		t.Fatalf("close: %d", s)
	}
	if s := move(store.ReportInReview, "", true); s != http.StatusBadRequest {
		t.Fatalf("closed -> in_review: %d, want 400", s)
	}
	got := b.reload("dc")
	if got.Status != store.ReportClosed || got.CloseReason != "Referred to HUD" {
		t.Fatalf("report = %s %q", got.Status, got.CloseReason)
	}
	want := []string{fmt.Sprintf("%d update.status.in_review es", r.ID), fmt.Sprintf("%d update.status.closed es", r.ID)}
	if fmt.Sprint(b.notified) != fmt.Sprint(want) {
		t.Fatalf("updates queued = %v, want %v", b.notified, want)
	}
	if n := b.count("report_events", "report_id = $1 AND kind = 'status'", r.ID); n != 3 {
		t.Errorf("status events = %d, want 3", n)
	}
	if n := b.count("audit_log", "report_id = $1 AND action = 'report.status'", r.ID); n != 3 {
		t.Errorf("status audit rows = %d, want 3", n)
	}
	_, page := dc.get(fmt.Sprintf("%s/reports/%d", Path, r.ID))
	if !strings.Contains(page, "This report is closed: Referred elsewhere.") || !strings.Contains(page, "Referred to HUD") {
		t.Errorf("closed report page lacks its state")
	}
}

func TestStaleStatusChangeConflicts(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	dc := b.login("dc")
	r := b.reports["dc"]
	dc.get(fmt.Sprintf("%s/reports/%d", Path, r.ID))
	path := fmt.Sprintf("%s/reports/%d/status", Path, r.ID)
	if s, _, _ := dc.post(path, url.Values{"status": {"in_review"}, "from": {"new"}}); s != http.StatusSeeOther {
		t.Fatal(s)
	}
	// A second tab still shows "new".
	if s, _, _ := dc.post(path, url.Values{"status": {"in_review"}, "from": {"new"}}); s != http.StatusConflict {
		t.Fatalf("stale form: %d, want 409", s)
	}
}

func TestUpdatesAndContactPreference(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	dc := b.login("dc")
	r := b.reports["dc"]
	_, page := dc.get(fmt.Sprintf("%s/reports/%d", Path, r.ID))
	if !strings.Contains(page, "[en] update.request_info about "+r.Reference) || !strings.Contains(page, "Spanish (Español)") {
		t.Fatalf("report page must show the English text and the language it is sent in")
	}
	path := fmt.Sprintf("%s/reports/%d/updates", Path, r.ID)
	if s, _, _ := dc.post(path, url.Values{"template": {"update.request_info"}}); s != http.StatusSeeOther {
		t.Fatalf("send update: %d", s)
	}
	if s, _, _ := dc.post(path, url.Values{"template": {"free text of my own"}}); s != http.StatusBadRequest {
		t.Fatalf("unknown template: %d, want 400", s)
	}
	none := b.reports["dcNone"]
	dc.get(fmt.Sprintf("%s/reports/%d", Path, none.ID))
	if s, _, _ := dc.post(fmt.Sprintf("%s/reports/%d/updates", Path, none.ID), url.Values{"template": {"update.general"}}); s != http.StatusBadRequest {
		t.Fatalf("update to a do-not-contact resident: %d, want 400", s)
	}
	if s, _, _ := dc.post(fmt.Sprintf("%s/reports/%d/status", Path, none.ID), url.Values{"status": {"in_review"}, "notify": {"1"}}); s != http.StatusSeeOther {
		t.Fatalf("status of a do-not-contact report: %d", s)
	}
	if want := []string{fmt.Sprintf("%d update.request_info es", r.ID)}; fmt.Sprint(b.notified) != fmt.Sprint(want) {
		t.Fatalf("queued = %v, want %v", b.notified, want)
	}
}

func TestAssignAndNotes(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	dc := b.login("dc")
	r := b.reports["dc"]
	dc.get(fmt.Sprintf("%s/reports/%d", Path, r.ID))
	assign := fmt.Sprintf("%s/reports/%d/assign", Path, r.ID)
	if s, _, _ := dc.post(assign, url.Values{"staff": {fmt.Sprint(b.staff["pgh"].ID)}}); s != http.StatusBadRequest {
		t.Fatalf("assign to another commission's staff: %d, want 400", s)
	}
	if s, _, _ := dc.post(assign, url.Values{"staff": {fmt.Sprint(b.staff["dc"].ID)}}); s != http.StatusSeeOther {
		t.Fatalf("assign: %d", s)
	}
	if got := b.reload("dc"); got.AssignedTo != b.staff["dc"].ID {
		t.Fatalf("assigned to %d", got.AssignedTo)
	}
	notes := fmt.Sprintf("%s/reports/%d/notes", Path, r.ID)
	if s, _, _ := dc.post(notes, url.Values{"body": {"  "}}); s != http.StatusBadRequest {
		t.Fatalf("empty note: %d", s)
	}
	if s, _, _ := dc.post(notes, url.Values{"body": {"Called back <b>twice</b>"}}); s != http.StatusSeeOther {
		t.Fatalf("note: %d", s)
	}
	_, page := dc.get(fmt.Sprintf("%s/reports/%d", Path, r.ID))
	if !strings.Contains(page, "Called back &lt;b&gt;twice&lt;/b&gt;") {
		t.Fatalf("note not shown as text")
	}
	if n := b.count("audit_log", "report_id = $1 AND action IN ('report.assign', 'report.note')", r.ID); n != 2 {
		t.Fatalf("assign+note audit rows = %d", n)
	}
}

func TestCSVExportIsInjectionSafe(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	admin := b.login("admin")
	status, body := admin.get(Path + "/export.csv")
	if status != http.StatusOK {
		t.Fatalf("export: %d", status)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(b.reports) {
		t.Fatalf("rows = %d, want header + %d", len(rows), len(b.reports))
	}
	col := -1
	for i, h := range rows[0] {
		if h == "narrative" {
			col = i
		}
	}
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("cell starts a formula: %q", cell)
			}
		}
		if row[col] != scriptNarrative { // starts with '<': left alone
			t.Errorf("narrative = %q", row[col])
		}
	}
	for in, want := range map[string]string{"=1+1": "'=1+1", "+1": "'+1", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "\t=x": "'\t=x", "plain": "plain", "": ""} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
	if n := b.count("audit_log", "action = 'report.export'"); n != len(b.reports) {
		t.Errorf("export audit rows = %d, want one per report (%d)", n, len(b.reports))
	}
}

func TestQueuePagingAndFilters(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	ctx := t.Context()
	c, _ := b.store.ReportByID(ctx, b.reports["dc"].ID)
	err := b.store.InTx(ctx, func(tx *store.Tx) error {
		for i := range 120 {
			r := store.Report{Reference: fmt.Sprintf("PG-%04d", i), ContactID: c.ContactID, Channel: "sms", Lang: "vi", Category: "employment",
				ContactMethod: store.ContactThis, Consent: true, CommissionID: "dc-ohr", Deadline: fmt.Sprintf("2028-%02d-%02d", 1+i%12, 1+i%28)}
			if err := tx.InsertReport(ctx, &r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dc := b.login("dc")
	refRE := regexp.MustCompile(`class="ref" href="/console/reports/\d+">([^<]+)<`)
	nextRE := regexp.MustCompile(`href="(/console/reports\?[^"]*after=[^"]+)"`)
	seen := map[string]bool{}
	path := Path + "/reports?category=employment&lang=vi"
	var order []string
	for pages := 0; path != ""; pages++ {
		if pages > 5 {
			t.Fatal("too many pages")
		}
		status, body := dc.get(path)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, status)
		}
		for _, m := range refRE.FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Fatalf("%s listed twice", m[1])
			}
			seen[m[1]] = true
			order = append(order, m[1])
		}
		path = ""
		if m := nextRE.FindStringSubmatch(body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if len(seen) != 120 {
		t.Fatalf("listed %d reports over all pages, want 120", len(seen))
	}
	if status, _ := dc.get(Path + "/reports?after=bogus"); status != http.StatusBadRequest {
		t.Fatalf("bad cursor: %d", status)
	}
	if status, _ := dc.get(Path + "/reports?status=nonsense"); status != http.StatusBadRequest {
		t.Fatalf("bad status: %d", status)
	}
}

func TestDashboardDrawsSVG(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	admin := b.login("admin")
	status, body := admin.get(Path + "/dashboard")
	if status != http.StatusOK {
		t.Fatalf("dashboard: %d", status)
	}
	for _, want := range []string{"Reports by category", "Reports by status", "Reports by language", "<svg", "<rect", "Spanish (Español) (4)", "4 reports filed"} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	dc := b.login("dc")
	_, body = dc.get(Path + "/dashboard")
	if !strings.Contains(body, "2 reports filed") {
		t.Errorf("dc dashboard should count only dc reports")
	}
}

func TestOneTimePasswordMustBeChanged(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	admin := b.login("admin")
	status, _, body := admin.post(Path+"/staff", url.Values{"email": {"New@Example.org"}, "name": {"New person"}, "role": {"staff"}, "commission": {"pgh-chr"}})
	if status != http.StatusOK {
		t.Fatalf("add staff: %d", status)
	}
	m := regexp.MustCompile(`<code>([^<]+)</code>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no one-time password shown")
	}
	if status, _, _ := admin.post(Path+"/staff", url.Values{"email": {"x@example.org"}, "role": {"staff"}, "commission": {"nowhere"}}); status != http.StatusBadRequest {
		t.Fatalf("unknown commission: %d", status)
	}
	c := b.newClient()
	if status, loc, _ := c.signIn("new@example.org", m[1]); status != http.StatusSeeOther || loc != Path+"/password" {
		t.Fatalf("first sign-in: %d %q", status, loc)
	}
	if status, _ := c.get(Path + "/reports"); status != http.StatusSeeOther {
		t.Fatalf("queue before choosing a password: %d, want redirect", status)
	}
	c.get(Path + "/password")
	if status, _, _ := c.post(Path+"/password", url.Values{"current": {m[1]}, "new": {"short"}, "repeat": {"short"}}); status != http.StatusBadRequest {
		t.Fatalf("short password: %d", status)
	}
	np := "a much longer passphrase"
	if status, loc, _ := c.post(Path+"/password", url.Values{"current": {m[1]}, "new": {np}, "repeat": {np}}); status != http.StatusSeeOther || !strings.HasPrefix(loc, Path+"/reports") {
		t.Fatalf("change password: %d %q", status, loc)
	}
	if status, _ := c.get(Path + "/reports"); status != http.StatusOK {
		t.Fatalf("queue after choosing a password: %d", status)
	}
	if status, loc, _ := b.newClient().signIn("new@example.org", np); status != http.StatusSeeOther || loc != Path+"/reports" {
		t.Fatalf("sign-in with the new password: %d %q", status, loc)
	}
}

func TestLogoutEndsSession(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	dc := b.login("dc")
	if status, loc, _ := dc.post(Path+"/logout", nil); status != http.StatusSeeOther || loc != Path+"/login" {
		t.Fatalf("logout: %d %q", status, loc)
	}
	if n := b.count("sessions", "staff_id = $1", b.staff["dc"].ID); n != 0 {
		t.Fatalf("sessions left: %d", n)
	}
	if status, _ := dc.get(Path + "/reports"); status != http.StatusSeeOther {
		t.Fatalf("queue after logout: %d, want redirect to sign-in", status)
	}
}
