package console

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestCrossCommissionIs404 checks every report route: staff of one
// commission get exactly the "no such page" answer for another
// commission's report (and for the default queue), and nothing changes.
func TestCrossCommissionIs404(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			dc := b.login("dc")
			_, missingBody := dc.get(Path + "/reports/999999")
			for _, target := range []string{"pgh", "default"} {
				id := b.reports[target].ID
				base := fmt.Sprintf("%s/reports/%d", Path, id)
				gets := []string{base, base + "/export.csv"}
				for _, p := range gets {
					status, body := dc.get(p)
					if status != http.StatusNotFound || body != missingBody {
						t.Errorf("GET %s as dc staff: %d, want 404 identical to a missing report", p, status)
					}
				}
				posts := map[string]url.Values{
					base + "/status":  {"status": {"in_review"}, "notify": {"1"}},
					base + "/assign":  {"staff": {fmt.Sprint(b.staff["dc"].ID)}},
					base + "/notes":   {"body": {"peek"}},
					base + "/updates": {"template": {"update.general"}},
				}
				for p, form := range posts {
					if status, _, _ := dc.post(p, form); status != http.StatusNotFound {
						t.Errorf("POST %s as dc staff: %d, want 404", p, status)
					}
				}
				if r := b.reload(target); r.Status != store.ReportNew || r.AssignedTo != 0 {
					t.Errorf("%s report changed by another commission: %+v", target, r)
				}
			}
			for _, p := range []string{"/reports?commission=pgh-chr", "/export.csv?commission=pgh-chr", "/dashboard?commission=pgh-chr",
				"/reports?commission=default", "/audit", "/staff", "/commissions"} {
				if status, _ := dc.get(Path + p); status != http.StatusNotFound {
					t.Errorf("GET %s as dc staff: %d, want 404", p, status)
				}
			}
			for p, form := range map[string]url.Values{"/staff": {"email": {"x@example.org"}, "role": {"admin"}}, "/commissions/pgh-chr/active": {"active": {"0"}}} {
				if status, _, _ := dc.post(Path+p, form); status != http.StatusNotFound {
					t.Errorf("POST %s as dc staff: %d, want 404", p, status)
				}
			}
			if n := b.count("report_notes", "1=1"); n != 0 {
				t.Errorf("notes written across commissions: %d", n)
			}
			if len(b.notified) != 0 {
				t.Errorf("updates queued across commissions: %v", b.notified)
			}
			// The queue and the export hold only the dc commission's reports.
			_, queue := dc.get(Path + "/reports?status=all")
			_, csv := dc.get(Path + "/export.csv")
			for _, name := range []string{"pgh", "default"} {
				if strings.Contains(queue, b.reports[name].Reference) || strings.Contains(csv, b.reports[name].Reference) {
					t.Errorf("%s report listed for dc staff", name)
				}
			}
			if !strings.Contains(queue, b.reports["dc"].Reference) || !strings.Contains(csv, b.reports["dc"].Reference) {
				t.Errorf("own report missing from queue or export")
			}
			// Admins see everything, the default queue included.
			admin := b.login("admin")
			for _, name := range []string{"dc", "pgh", "default"} {
				if status, _ := admin.get(fmt.Sprintf("%s/reports/%d", Path, b.reports[name].ID)); status != http.StatusOK {
					t.Errorf("admin GET %s report: %d", name, status)
				}
			}
		})
	}
}

// TestCSRF: a state-changing request without the session's form token,
// or sent from another site, is refused with 403 and changes nothing.
func TestCSRF(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	dc := b.login("dc")
	path := fmt.Sprintf("%s/reports/%d/status", Path, b.reports["dc"].ID)
	form := func() url.Values { return url.Values{"status": {"in_review"}} }
	cases := []struct {
		name    string
		form    url.Values
		headers []string
	}{
		{"no token", url.Values{"status": {"in_review"}, "csrf": {""}}, nil},
		{"wrong token", url.Values{"status": {"in_review"}, "csrf": {"forged"}}, nil},
		{"cross-site fetch", form(), []string{"Sec-Fetch-Site", "cross-site"}},
		{"foreign origin", form(), []string{"Origin", "https://evil.example"}},
	}
	for _, tc := range cases {
		if status, _, _ := dc.post(path, tc.form, tc.headers...); status != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", tc.name, status)
		}
	}
	if r := b.reload("dc"); r.Status != store.ReportNew {
		t.Fatalf("status changed by a forged request: %s", r.Status)
	}
	// Sign-in without the form token is refused too (login CSRF).
	c := b.newClient()
	if status, _, _ := c.post(Path+"/login", url.Values{"email": {"dc@example.org"}, "password": {testPassword}}); status != http.StatusForbidden {
		t.Errorf("sign-in without form token: %d, want 403", status)
	}
	// With the token and same-origin headers it works.
	if status, _, body := dc.post(path, form(), "Sec-Fetch-Site", "same-origin", "Origin", b.srv.URL); status != http.StatusSeeOther {
		t.Fatalf("genuine change: %d %s", status, body)
	}
}

// TestCookieFlags: the session cookie is HttpOnly, SameSite=Lax, scoped to
// the console, Secure when configured, and the database keeps only the
// token's SHA-256.
func TestCookieFlags(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{false, true} {
		b := setup(t, storetest.SQLite)
		b.console.cfg.SecureCookies = secure
		c := b.newClient()
		c.get(Path + "/login")
		form := url.Values{"email": {"dc@example.org"}, "password": {testPassword}, "csrf": {c.csrf}}
		req, _ := http.NewRequest(http.MethodPost, b.srv.URL+Path+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		u, _ := url.Parse(b.srv.URL + Path + "/login")
		for _, ck := range c.http.Jar.Cookies(u) {
			req.AddCookie(ck)
		}
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var sess *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == sessionCookie {
				sess = ck
			}
		}
		if sess == nil {
			t.Fatalf("no session cookie (status %d)", resp.StatusCode)
		}
		if !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != Path || sess.Secure != secure {
			t.Errorf("cookie flags: HttpOnly=%v SameSite=%v Path=%q Secure=%v (want secure=%v)", sess.HttpOnly, sess.SameSite, sess.Path, sess.Secure, secure)
		}
		sum := sha256.Sum256([]byte(sess.Value))
		if b.count("sessions", "token_hash = $1", hex.EncodeToString(sum[:])) != 1 || b.count("sessions", "token_hash = $1", sess.Value) != 0 {
			t.Errorf("sessions must store the token's SHA-256 and never the token")
		}
	}
}

// TestLockout: five wrong passwords lock the account for 15 minutes, even
// against the right password; afterwards it opens again. An unknown email
// gets the same answer.
func TestLockout(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	c := b.newClient()
	status, _, unknownBody := c.signIn("nobody@example.org", "whatever")
	if status != http.StatusUnauthorized || !strings.Contains(unknownBody, "Sign-in failed") {
		t.Fatalf("unknown email: %d", status)
	}
	for i := 1; i <= MaxFailedLogins; i++ {
		status, _, body := c.signIn("dc@example.org", "wrong password")
		if status != http.StatusUnauthorized || !strings.Contains(body, "Sign-in failed") {
			t.Fatalf("wrong password %d: %d", i, status)
		}
	}
	if st, _ := b.store.StaffByID(t.Context(), b.staff["dc"].ID); st.LockedUntil.IsZero() {
		t.Fatalf("not locked after %d failures", MaxFailedLogins)
	}
	if status, _, _ := c.signIn("dc@example.org", testPassword); status != http.StatusUnauthorized {
		t.Fatalf("right password during lockout: %d, want 401", status)
	}
	if b.count("audit_log", "action = 'login.lock'") != 1 || b.count("audit_log", "action = 'login.unknown'") != 1 {
		t.Errorf("lock and unknown-email attempts must be audited")
	}
	b.advance(LockoutDuration + time.Minute)
	if status, loc, _ := c.signIn("dc@example.org", testPassword); status != http.StatusSeeOther || loc != Path+"/reports" {
		t.Fatalf("after the lockout: %d %q", status, loc)
	}
}

// TestScriptInNarrativeIsText: what a resident wrote is shown as text, on
// the report page and in the transcript, never run.
func TestScriptInNarrativeIsText(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	dc := b.login("dc")
	status, body := dc.get(fmt.Sprintf("%s/reports/%d", Path, b.reports["dc"].ID))
	if status != http.StatusOK {
		t.Fatalf("report page: %d", status)
	}
	if strings.Contains(body, "<script") {
		t.Fatalf("a <script> tag reached the page")
	}
	if strings.Count(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") < 2 {
		t.Fatalf("narrative and transcript should show the script as text")
	}
}

// TestViewIsAudited: opening a report writes an audit row, and the row is
// there before the page is.
func TestViewIsAudited(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	dc := b.login("dc")
	id := b.reports["dc"].ID
	for i := 1; i <= 2; i++ {
		dc.get(fmt.Sprintf("%s/reports/%d", Path, id))
		if n := b.count("audit_log", "action = 'report.view' AND report_id = $1 AND staff_id = $2", id, b.staff["dc"].ID); n != i {
			t.Fatalf("after %d views: %d audit rows", i, n)
		}
	}
	// A refused look at another commission's report is not a view.
	dc.get(fmt.Sprintf("%s/reports/%d", Path, b.reports["pgh"].ID))
	if n := b.count("audit_log", "action = 'report.view' AND report_id = $1", b.reports["pgh"].ID); n != 0 {
		t.Fatalf("refused view audited as a view")
	}
}
