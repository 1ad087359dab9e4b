package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

func init() { bcryptCost = bcrypt.MinCost }

// testPassword is every test account's password.
const testPassword = "correct horse battery"

// scriptNarrative is what a hostile or careless resident might write.
const scriptNarrative = `<script>alert("x")</script> =HYPERLINK("http://evil.example")`

// bundle is one test's console, server and data.
type bundle struct {
	t       *testing.T
	store   *store.Store
	console *Console
	srv     *httptest.Server
	// clock is the console's time; tests move it.
	mu    sync.Mutex
	clock time.Time
	// notified records resident updates queued (report id, template).
	notified  []string
	notifyErr error
	// reports by name: dc (DC OHR), pgh (Pittsburgh), default (no commission), dcNone (do not contact).
	reports map[string]store.Report
	// staff by name: admin, dc, pgh.
	staff map[string]store.Staff
	// delays records the sign-in delays the console waited (not slept).
	delays []time.Duration
	// adminSecret is the test admin's TOTP secret; adminRecovery its
	// unused recovery codes (login spends one per admin sign-in).
	adminSecret   string
	adminRecovery []string
}

// setup builds a console on backend with two commissions, three accounts
// and four reports.
func setup(t *testing.T, backend string) *bundle {
	t.Helper()
	return setupWith(t, backend, nil)
}

// setupWith is setup with the console's Config changed by cfg before the
// console is built (cfg may replace Notify with the real one, given the
// bundle's store).
func setupWith(t *testing.T, backend string, cfg func(*bundle, *Config)) *bundle {
	t.Helper()
	return setupOn(t, storetest.Open(t, backend), cfg)
}

// setupOn is setupWith on a store the test opened.
func setupOn(t *testing.T, st *store.Store, cfg func(*bundle, *Config)) *bundle {
	t.Helper()
	ctx := t.Context()
	b := &bundle{t: t, store: st, clock: time.Now().UTC(),
		reports: map[string]store.Report{}, staff: map[string]store.Staff{}}
	conf := Config{
		Store: b.store,
		Notify: func(ctx context.Context, tx *store.Tx, r store.Report, templateID string) error {
			if b.notifyErr != nil {
				return b.notifyErr
			}
			b.mu.Lock()
			defer b.mu.Unlock()
			b.notified = append(b.notified, fmt.Sprintf("%d %s %s", r.ID, templateID, r.Lang))
			return nil
		},
		Preview: func(r store.Report, l locales.Lang, templateID string) (string, error) {
			return fmt.Sprintf("[%s] %s about %s", l, templateID, r.Reference), nil
		},
		UpdateTemplates: []string{"update.request_info", "update.general"},
		Categories:      []string{"housing", "employment"},
		Now: func() time.Time {
			b.mu.Lock()
			defer b.mu.Unlock()
			return b.clock
		},
		Sleep: func(_ context.Context, d time.Duration) {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.delays = append(b.delays, d)
		},
		// Tests name the client's address in X-Test-IP.
		ClientIP: func(r *http.Request) string {
			if ip := r.Header.Get("X-Test-IP"); ip != "" {
				return ip
			}
			return peerIP(r)
		},
	}
	if cfg != nil {
		cfg(b, &conf)
	}
	c, err := New(conf)
	if err != nil {
		t.Fatal(err)
	}
	b.console = c
	mux := http.NewServeMux()
	c.Register(mux)
	b.srv = httptest.NewServer(mux)
	t.Cleanup(b.srv.Close)

	contact := store.Contact{}
	err = b.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if contact, err = tx.ContactForUpdate(ctx, "sms", "+12025550123"); err != nil {
			return err
		}
		msg := store.Message{ContactID: contact.ID, Direction: "in", Channel: "sms", Body: scriptNarrative}
		if err := tx.InsertMessage(ctx, &msg); err != nil {
			return err
		}
		for _, id := range []string{"dc-ohr", "pgh-chr"} {
			if err := tx.UpsertCommission(ctx, store.Commission{ID: id, Name: "Commission " + id, Jurisdiction: id[:2], Active: true}); err != nil {
				return err
			}
		}
		for i, spec := range []struct{ name, commission, method string }{
			{"dc", "dc-ohr", store.ContactThis}, {"pgh", "pgh-chr", store.ContactThis},
			{"default", "", store.ContactThis}, {"dcNone", "dc-ohr", store.ContactNone},
		} {
			r := store.Report{Reference: fmt.Sprintf("TS-%04d-%s", i, strings.ToUpper(spec.name)), ContactID: contact.ID, Channel: "sms", Lang: "es",
				Category: "housing", Narrative: scriptNarrative, ContactMethod: spec.method, Consent: true,
				CommissionID: spec.commission, Deadline: "2027-01-0" + fmt.Sprint(i+1), RouteRule: "test-rule", RouteReason: "test routing",
				FirstMessageID: msg.ID, LastMessageID: msg.ID}
			if err := tx.InsertReport(ctx, &r); err != nil {
				return err
			}
			b.reports[spec.name] = r
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range []struct{ name, role, commission string }{
		{"admin", store.RoleAdmin, ""}, {"dc", store.RoleStaff, "dc-ohr"}, {"pgh", store.RoleStaff, "pgh-chr"},
	} {
		hash, err := HashPassword(testPassword)
		if err != nil {
			t.Fatal(err)
		}
		st := store.Staff{Email: spec.name + "@example.org", Name: "Test " + spec.name, PasswordHash: hash, Role: spec.role, CommissionID: spec.commission}
		if err := b.store.InsertStaff(ctx, &st); err != nil {
			t.Fatal(err)
		}
		b.staff[spec.name] = st
	}
	b.enrolAdmin()
	return b
}

// enrolAdmin gives the test admin a confirmed second factor (admins must
// have one) and 50 recovery codes for b.login.
func (b *bundle) enrolAdmin() {
	b.t.Helper()
	ctx := b.t.Context()
	b.adminSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	if err := b.store.BeginTOTP(ctx, b.staff["admin"].ID, b.adminSecret); err != nil {
		b.t.Fatal(err)
	}
	var hashes []string
	for i := 0; i < 50; i++ {
		code := fmt.Sprintf("test%d-admin", i)
		b.adminRecovery = append(b.adminRecovery, code)
		hashes = append(hashes, recoveryHash(code))
	}
	err := b.store.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ConfirmTOTP(ctx, b.staff["admin"].ID, 1, hashes)
		return err
	})
	if err != nil {
		b.t.Fatal(err)
	}
}

// advance moves the console's clock.
func (b *bundle) advance(d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.clock = b.clock.Add(d)
}

// client is a browser-like client with its own cookie jar.
type client struct {
	b    *bundle
	http *http.Client
	csrf string
}

func (b *bundle) newClient() *client {
	jar, _ := cookiejar.New(nil)
	return &client{b: b, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches path and returns status and body; it remembers the page's
// CSRF token.
func (c *client) get(path string) (int, string) {
	c.b.t.Helper()
	resp, err := c.http.Get(c.b.srv.URL + path)
	if err != nil {
		c.b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfRE.FindSubmatch(body); m != nil {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, string(body)
}

// post sends a form (with the remembered CSRF token unless form sets
// "csrf") and returns status, Location and body. headers are added.
func (c *client) post(path string, form url.Values, headers ...string) (int, string, string) {
	c.b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok && c.csrf != "" {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, c.b.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

// login signs in as the named test account and fails the test otherwise.
func (b *bundle) login(name string) *client {
	b.t.Helper()
	c := b.newClient()
	status, loc, body := c.signIn(name+"@example.org", testPassword)
	if name == "admin" && status == http.StatusSeeOther && loc == Path+"/totp" {
		c.get(Path + "/totp")
		code := b.adminRecovery[0]
		b.adminRecovery = b.adminRecovery[1:]
		status, loc, body = c.post(Path+"/totp", url.Values{"code": {code}})
	}
	if status != http.StatusSeeOther || loc != Path+"/reports" {
		b.t.Fatalf("login %s: %d %q %s", name, status, loc, body)
	}
	c.get(Path + "/reports")
	return c
}

// signIn submits the sign-in form.
func (c *client) signIn(email, password string) (int, string, string) {
	c.b.t.Helper()
	c.get(Path + "/login")
	return c.post(Path+"/login", url.Values{"email": {email}, "password": {password}})
}

// count counts rows of a table.
func (b *bundle) count(table, where string, args ...any) int {
	b.t.Helper()
	var n int
	if err := b.store.DB().QueryRowContext(b.t.Context(), "SELECT count(*) FROM "+table+" WHERE "+where, args...).Scan(&n); err != nil {
		b.t.Fatal(err)
	}
	return n
}

// reload reads a report again.
func (b *bundle) reload(name string) store.Report {
	b.t.Helper()
	r, err := b.store.ReportByID(b.t.Context(), b.reports[name].ID)
	if err != nil {
		b.t.Fatal(err)
	}
	return r
}

var errNotifyDown = errors.New("outbox unavailable")
