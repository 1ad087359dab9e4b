package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// addReport files one more report for the tests' resident.
func (b *bundle) addReport(name, ref, commission, respondent, category string) store.Report {
	b.t.Helper()
	ctx := b.t.Context()
	r := store.Report{Reference: ref, ContactID: b.reports["dc"].ContactID, Channel: "sms", Lang: "es", Category: category,
		Narrative: "n", RespondentType: "landlord", RespondentName: respondent, ContactMethod: store.ContactThis, Consent: true,
		CommissionID: commission, Deadline: "2027-02-01"}
	if err := b.store.InTx(ctx, func(tx *store.Tx) error { return tx.InsertReport(ctx, &r) }); err != nil {
		b.t.Fatal(err)
	}
	b.reports[name] = r
	return r
}

// TestSearchByReference: a reference typed any way staff type it opens
// the report; another commission's reference finds nothing, as if it
// did not exist.
func TestSearchByReference(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, _ *store.Store) {
		t.Parallel()
		b := setup(t, t.Name()[strings.LastIndex(t.Name(), "/")+1:])
		pgh := b.addReport("wct3", "PGH-WCT3-8M", "pgh-chr", "Acme Property LLC", "housing")
		c := b.login("pgh")
		for _, typed := range []string{"PGH-WCT3-8M", "pgh wct3 8m", "pghwct38m", " Pgh-Wct3-8m ", "PGH-WCT3-8m"} {
			status, loc, _ := c.getRedirect(Path + "/reports?q=" + url.QueryEscape(typed))
			if status != http.StatusSeeOther || loc != reportURL(pgh.ID) {
				t.Errorf("search %q: %d %q, want a redirect to %s", typed, status, loc, reportURL(pgh.ID))
			}
		}
		// A DC reference from Pittsburgh: no redirect, and the respondent
		// search it falls back to lists nothing.
		status, loc, body := c.getRedirect(Path + "/reports?q=" + url.QueryEscape(b.reports["dc"].Reference))
		if status != http.StatusOK || loc != "" || strings.Contains(body, reportURL(b.reports["dc"].ID)+`"`) || strings.Contains(body, `class="ref"`) {
			t.Errorf("another commission's reference: %d %q; must find nothing", status, loc)
		}
		if status, _, _ := c.getRedirect(Path + "/reports?q=" + url.QueryEscape("---")); status != http.StatusBadRequest {
			t.Errorf("search for punctuation only: %d, want 400", status)
		}
	})
}

// TestSearchByRespondent: names are matched however they are written
// (case, punctuation, LLC/Inc, a known alias), only within the member's
// commission, together with the status and category filters; the search
// is audited without the name.
func TestSearchByRespondent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, _ *store.Store) {
		t.Parallel()
		b := setup(t, t.Name()[strings.LastIndex(t.Name(), "/")+1:])
		b.addReport("a1", "PGH-AAAA-01", "pgh-chr", "Acme Property Management, LLC", "housing")
		b.addReport("a2", "PGH-AAAA-02", "pgh-chr", "ACME property management inc.", "employment")
		b.addReport("a3", "DC-AAAA-03", "dc-ohr", "Acme Property Management", "housing")
		b.addReport("p1", "PGH-AAAA-04", "pgh-chr", "PBP", "government")
		b.addReport("p2", "PGH-AAAA-05", "pgh-chr", "Pittsburgh Bureau of Police", "government")
		b.addReport("o", "PGH-AAAA-06", "pgh-chr", "Other Landlord", "housing")
		c := b.login("pgh")
		list := func(query string) []string {
			t.Helper()
			status, _, body := c.getRedirect(Path + "/reports?" + query)
			if status != http.StatusOK {
				t.Fatalf("queue %s: %d", query, status)
			}
			var refs []string
			for _, name := range []string{"a1", "a2", "a3", "p1", "p2", "o"} {
				if strings.Contains(body, `href="`+reportURL(b.reports[name].ID)+`"`) {
					refs = append(refs, name)
				}
			}
			return refs
		}
		if got := fmt.Sprint(list("q=" + url.QueryEscape("acme property management"))); got != "[a1 a2]" {
			t.Errorf("respondent search = %s, want [a1 a2] (a3 is DC's)", got)
		}
		if got := fmt.Sprint(list("q=" + url.QueryEscape("Acme Property Management") + "&category=employment")); got != "[a2]" {
			t.Errorf("respondent and category = %s, want [a2]", got)
		}
		if got := fmt.Sprint(list("q=" + url.QueryEscape("pittsburgh police"))); got != "[p1 p2]" {
			t.Errorf("alias search = %s, want [p1 p2]", got)
		}
		if got := fmt.Sprint(list("q=acme&status=all")); got != "[]" {
			t.Errorf("a part of a name = %s, want nothing (names match whole, never as text)", got)
		}
		// The report page counts the others, without showing DC's.
		_, page := c.get(reportURL(b.reports["a1"].ID))
		if !strings.Contains(page, "2 other reports name this respondent</strong> (1 in your commission") || strings.Contains(page, "DC-AAAA-03") {
			t.Errorf("report page should say 2 other reports name the respondent, 1 in the commission, and nothing of DC's")
		}
		status, _, body := c.getRedirect(Path + "/patterns")
		if status != http.StatusOK || !strings.Contains(body, "Pittsburgh Bureau of Police") || !strings.Contains(body, ">2 reports<") || strings.Contains(body, "Acme") {
			t.Errorf("patterns page: %d; want the police (2 government reports) and not Acme (one per category)", status)
		}
		if n := b.count("audit_log", "action = 'search.respondent' AND staff_id = $1", b.staff["pgh"].ID); n != 4 {
			t.Errorf("respondent searches audited %d times, want 4", n)
		}
		if n := b.count("audit_log", "action = 'search.respondent' AND lower(detail) LIKE '%acme%'"); n != 0 {
			t.Errorf("the audit log must not hold the name searched")
		}
	})
}

// getRedirect fetches path without following a redirect.
func (c *client) getRedirect(path string) (int, string, string) {
	c.b.t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, c.b.srv.URL+path, nil)
	resp, err := c.http.Do(req)
	if err != nil {
		c.b.t.Fatal(err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, resp.Header.Get("Location"), sb.String()
}
