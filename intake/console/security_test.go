package console

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
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

// TestNoLockout: wrong passwords never lock an account (anyone who knows
// an email could keep its owner out); each try past FreeFailedLogins
// waits longer, up to MaxLoginDelay, and the right password still works,
// from any address, on both backends. Unknown emails get the same answer.
func TestNoLockout(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, _ *store.Store) {
		t.Parallel()
		b := setup(t, t.Name()[strings.LastIndex(t.Name(), "/")+1:])
		c := b.newClient()
		status, _, unknownBody := c.signIn("nobody@example.org", "whatever")
		if status != http.StatusUnauthorized || !strings.Contains(unknownBody, "Sign-in failed") {
			t.Fatalf("unknown email: %d", status)
		}
		// An attacker spreads 30 wrong passwords over 10 addresses (3 each,
		// under the per-address limit).
		for i := range 30 {
			c.get(Path + "/login")
			status, _, body := c.post(Path+"/login", url.Values{"email": {"dc@example.org"}, "password": {"wrong password"}}, "X-Test-IP", fmt.Sprintf("198.51.100.%d", i/3))
			if status != http.StatusUnauthorized || !strings.Contains(body, "Sign-in failed") {
				t.Fatalf("wrong password %d: %d", i, status)
			}
		}
		b.mu.Lock()
		delays := append([]time.Duration(nil), b.delays...)
		b.mu.Unlock()
		want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, MaxLoginDelay}
		if len(delays) != 30-FreeFailedLogins || !slices.Equal(delays[:len(want)], want) || delays[len(delays)-1] != MaxLoginDelay {
			t.Fatalf("delays %v, want %v then %v", delays, want, MaxLoginDelay)
		}
		if st, _ := b.store.StaffByID(t.Context(), b.staff["dc"].ID); !st.LockedUntil.IsZero() {
			t.Fatal("the account was locked")
		}
		// The owner, from their own address, gets in (after the delay).
		c.get(Path + "/login")
		if status, loc, _ := c.post(Path+"/login", url.Values{"email": {"dc@example.org"}, "password": {testPassword}}, "X-Test-IP", "203.0.113.50"); status != http.StatusSeeOther || loc != Path+"/reports" {
			t.Fatalf("the owner after 30 wrong passwords: %d %q", status, loc)
		}
		if st, _ := b.store.StaffByID(t.Context(), b.staff["dc"].ID); st.FailedLogins != 0 {
			t.Errorf("failures not reset on sign-in: %d", st.FailedLogins)
		}
		if b.count("audit_log", "action = 'login.failed'") != 30 || b.count("audit_log", "action = 'login.unknown'") != 1 {
			t.Errorf("failed and unknown-email attempts must be audited")
		}
	})
}

// TestLoginThrottledPerIP: a burst of sign-ins from one address is cut
// at LimitLoginIP, even with the right password; other addresses are not
// affected; the refusal is audited once.
func TestLoginThrottledPerIP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, _ *store.Store) {
		t.Parallel()
		b := setup(t, t.Name()[strings.LastIndex(t.Name(), "/")+1:])
		c := b.newClient()
		refused := 0
		for range LimitLoginIP.Max + 5 {
			c.get(Path + "/login")
			status, _, body := c.post(Path+"/login", url.Values{"email": {"pgh@example.org"}, "password": {"guess"}}, "X-Test-IP", "192.0.2.66")
			if status == http.StatusTooManyRequests {
				refused++
				if !strings.Contains(body, "Too many sign-in attempts") {
					t.Fatalf("429 page: %s", body)
				}
			}
		}
		if refused != 5 {
			t.Errorf("%d refused, want 5", refused)
		}
		c.get(Path + "/login")
		if status, _, _ := c.post(Path+"/login", url.Values{"email": {"pgh@example.org"}, "password": {testPassword}}, "X-Test-IP", "192.0.2.66"); status != http.StatusTooManyRequests {
			t.Errorf("right password over the limit: %d, want 429", status)
		}
		c.get(Path + "/login")
		if status, _, _ := c.post(Path+"/login", url.Values{"email": {"pgh@example.org"}, "password": {testPassword}}, "X-Test-IP", "192.0.2.67"); status != http.StatusSeeOther {
			t.Errorf("another address: %d", status)
		}
		if n := b.count("audit_log", "action = 'login.throttled'"); n != 1 {
			t.Errorf("%d throttle audit rows, want 1", n)
		}
	})
}

// TestAccessDeniedAudited: refused requests (another commission's report,
// an admin page, a forged form) are logged and audited as access.denied
// with the route, never the form.
func TestAccessDeniedAudited(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	dc := b.login("dc")
	pgh := b.reports["pgh"].ID
	dc.get(fmt.Sprintf("%s/reports/%d", Path, pgh))
	dc.get(Path + "/audit")
	dc.post(fmt.Sprintf("%s/reports/%d/notes", Path, b.reports["dc"].ID), url.Values{"csrf": {"forged"}, "body": {"secret note text"}})
	if n := b.count("audit_log", "action = 'access.denied' AND report_id = $1 AND staff_id = $2 AND detail LIKE '%/reports/{id}%'", pgh, b.staff["dc"].ID); n != 1 {
		t.Errorf("cross-commission view: %d access.denied rows", n)
	}
	if n := b.count("audit_log", "action = 'access.denied' AND detail LIKE '%/audit%'"); n != 1 {
		t.Errorf("admin page: %d access.denied rows", n)
	}
	if n := b.count("audit_log", "action = 'access.denied' AND detail LIKE 'forbidden%notes%'"); n != 1 {
		t.Errorf("forged form: %d access.denied rows", n)
	}
	if n := b.count("audit_log", "detail LIKE '%secret note text%'"); n != 0 {
		t.Error("the form's text reached the audit log")
	}
}

// TestWeakPasswordsRefused: the minimum length and the common-password
// list (shipped as data) apply to every password someone chooses.
func TestWeakPasswordsRefused(t *testing.T) {
	t.Parallel()
	for _, pw := range []string{"aaaaaaaaaaaa", "password1234", "Password123!", "P@ssw0rd2024", "qwertyuiop12", "123456789012", "iloveyouiloveyou", "abcdefghijkl", "welcome12345", "dc-ohr-staffer-ana", "short"} {
		if err := validNewPassword(pw, "dc-ohr-staffer@example.org"); err == nil {
			t.Errorf("%q accepted", pw)
		}
	}
	for _, pw := range []string{"correct horse battery", "tilapia-kettle-mango-9", "Rainy Tuesday Ferns 77"} {
		if err := validNewPassword(pw, "ana@example.org"); err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
	}
	if len(commonPasswords) < 150 {
		t.Errorf("only %d common passwords loaded", len(commonPasswords))
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
