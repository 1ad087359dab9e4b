package console_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/intake/console"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// phoneWidth is the narrowest phone the console is built for, in CSS
// pixels.
const phoneWidth = 360

// phoneFixture is a console over SQLite with the real commissions, an
// admin (with a second factor) and a Pittsburgh staff member, for the
// browser tests.
type phoneFixture struct {
	st      *store.Store
	cat     *locales.Catalog
	srv     *httptest.Server
	console *console.Console
	// adminSecret is the admin's TOTP secret.
	adminSecret string
	reports     map[string]store.Report
	contact     store.Contact
}

const phonePassword = "phone test password 2026"

// newPhoneFixture builds the fixture; cfg changes the console's Config
// before it is built.
func newPhoneFixture(t *testing.T, cfg func(*console.Config)) *phoneFixture {
	t.Helper()
	ctx := t.Context()
	f := &phoneFixture{st: storetest.Open(t, storetest.SQLite), reports: map[string]store.Report{}}
	var err error
	if f.cat, err = locales.Load(); err != nil {
		t.Fatal(err)
	}
	if err := intake.SeedCommissions(ctx, f.st); err != nil {
		t.Fatal(err)
	}
	hash, err := console.HashPassword(phonePassword)
	if err != nil {
		t.Fatal(err)
	}
	admin := store.Staff{Email: "admin@example.org", Name: "Admin", PasswordHash: hash, Role: store.RoleAdmin}
	if err := f.st.InsertStaff(ctx, &admin); err != nil {
		t.Fatal(err)
	}
	f.adminSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	if err := f.st.BeginTOTP(ctx, admin.ID, f.adminSecret); err != nil {
		t.Fatal(err)
	}
	if err := f.st.InTx(ctx, func(tx *store.Tx) error { _, err := tx.ConfirmTOTP(ctx, admin.ID, 1, []string{"x"}); return err }); err != nil {
		t.Fatal(err)
	}
	staff := store.Staff{Email: "jordan.longname-for-wrapping@pittsburghpa.example.gov", Name: "Jordan", PasswordHash: hash, Role: store.RoleStaff, CommissionID: "pghchr"}
	if err := f.st.InsertStaff(ctx, &staff); err != nil {
		t.Fatal(err)
	}
	// A translator, so the staff page shows the languages form too.
	if _, err := console.AddTranslator(ctx, f.st, store.Staff{Email: "tigist.translator@example.org", Name: "Tigist"}, []locales.Lang{locales.Amharic, locales.Korean}, "", admin.ID, "test"); err != nil {
		t.Fatal(err)
	}
	err = f.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if f.contact, err = tx.ContactForUpdate(ctx, "sms", "+14125550100"); err != nil {
			return err
		}
		msg := store.Message{ContactID: f.contact.ID, Direction: "in", Channel: "sms", Body: "My landlord changed the locks while I was at work"}
		if err := tx.InsertMessage(ctx, &msg); err != nil {
			return err
		}
		for _, spec := range []struct{ name, ref, commission, cat, trait, respondent string }{
			{"pgh", "PGH-WCT3-8M", "pghchr", "public-place", "national-origin", "Allegheny Property Management LLC"},
			{"dc", "DC-7KQ2-9D", "dc-ohr", "housing", "race", "Columbia Heights Rentals"},
		} {
			r := store.Report{Reference: spec.ref, ContactID: f.contact.ID, Channel: "sms", Lang: "ko", Category: spec.cat,
				Narrative: "집주인이 자물쇠를 바꿨습니다. A very long narrative line without spaces: " + strings.Repeat("x", 120),
				ZIP:       "15213", Jurisdiction: "pittsburgh-pa", RespondentType: "landlord", RespondentName: spec.respondent, ProtectedTrait: spec.trait,
				ContactMethod: store.ContactThis, Consent: true, CommissionID: spec.commission, RouteRule: "pittsburgh-pa/public-place",
				RouteReason: "ZIP 15213 is in the City of Pittsburgh", Deadline: time.Now().AddDate(0, 2, 0).Format(time.DateOnly),
				FirstMessageID: msg.ID, LastMessageID: msg.ID}
			if err := tx.InsertReport(ctx, &r); err != nil {
				return err
			}
			f.reports[spec.name] = r
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := intake.NewService(f.st, f.cat)
	conf := console.Config{
		Store:  f.st,
		Notify: svc.NotifyResident,
		Preview: func(r store.Report, l locales.Lang, id string) (string, error) {
			return svc.RenderUpdate(r, l, id)
		},
		UpdateTemplates: []string{intake.UpdateRequestInfo, intake.UpdateGeneral},
		Categories:      intake.Categories,
		Catalog:         f.cat,
	}
	if cfg != nil {
		cfg(&conf)
	}
	if f.console, err = console.New(conf); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	f.console.Register(mux)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// signIn signs in through the browser; the admin also gives a code.
func (f *phoneFixture) signIn(t *testing.T, bctx context.Context, email string) {
	t.Helper()
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	err := chromedp.Do(bctx,
		chromedp.Navigate(f.srv.URL+"/console/login"),
		chromedp.WaitVisible(css(`input[name=email]`)),
		chromedp.SendKeys(css(`input[name=email]`), email),
		chromedp.SendKeys(css(`input[name=password]`), phonePassword),
		chromedp.Click(css(`main form button[type=submit]`)),
	)
	if err != nil {
		t.Fatalf("browser: sign in: %v", err)
	}
	if strings.HasPrefix(email, "admin") {
		code, err := totp.GenerateCode(f.adminSecret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		err = chromedp.Do(bctx,
			chromedp.WaitVisible(css(`input[name=code]`)),
			chromedp.SendKeys(css(`input[name=code]`), code),
			chromedp.Click(css(`main form button[type=submit]`)),
		)
		if err != nil {
			t.Fatalf("browser: second factor: %v", err)
		}
	}
	// The second-factor page has the signed-in header too, so waiting for
	// the header alone can return while the code's POST is in flight; the
	// next Navigate then races it and fails with ERR_ABORTED. Wait until
	// the browser has left the sign-in pages and the page has loaded.
	signedIn := `!location.pathname.startsWith('/console/login') && !location.pathname.startsWith('/console/totp') && document.readyState === 'complete'`
	// Evaluating while the page navigates fails ("target navigated"), so
	// poll from Go and let those errors pass until the deadline.
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, err := chromedp.Run(bctx, chromedp.Evaluate[bool](signedIn))
		if err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("browser: after sign-in: still on the sign-in pages (last error: %v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := chromedp.Do(bctx, chromedp.WaitVisible(css(`header nav`))); err != nil {
		t.Fatalf("browser: after sign-in: %v", err)
	}
}

// overflowJS lists the elements sticking out past the right edge of the
// viewport, and the page's scroll width.
const overflowJS = `(() => {
  const w = window.innerWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > w + 0.5 && !el.closest('.scroll')) {
      out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).replace(/ /g, '.') : '') + ' right=' + Math.round(r.right));
      if (out.length > 8) break;
    }
  }
  return {inner: w, scroll: document.documentElement.scrollWidth, wide: out};
})()`

type overflow struct {
	Inner  int      `json:"inner"`
	Scroll int      `json:"scroll"`
	Wide   []string `json:"wide"`
}

// checkPhonePage opens path and fails if the page scrolls sideways at
// phoneWidth; it saves a screenshot of the first screen and returns its width in
// pixels.
func checkPhonePage(t *testing.T, bctx context.Context, base, path, name string) int {
	t.Helper()
	if err := chromedp.Do(bctx, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS(`main h1`))); err != nil {
		t.Fatalf("browser: open %s: %v", path, err)
	}
	o := mustRun(t, bctx, chromedp.Evaluate[overflow](overflowJS))
	if o.Inner != phoneWidth {
		t.Fatalf("%s: viewport is %d px wide, want %d", path, o.Inner, phoneWidth)
	}
	if o.Scroll > o.Inner || len(o.Wide) > 0 {
		t.Errorf("%s scrolls sideways at %d px: page is %d px wide; too wide: %s", path, o.Inner, o.Scroll, strings.Join(o.Wide, ", "))
	}
	shot := mustRun(t, bctx, chromedp.CaptureScreenshot())
	img, err := png.DecodeConfig(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("%s: screenshot: %v", path, err)
	}
	dir := os.Getenv("RIGHTSLINE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s: %dx%d px (%s)", path, img.Width, img.Height, filepath.Join(dir, name+".png"))
	return img.Width
}

// TestBrowserPhoneLayout opens every console page at 360 px as an admin
// and as commission staff: no page scrolls sideways, codes are shown as
// words, dates in the member's time zone, and the keyboard reaches the
// page with a visible focus.
func TestBrowserPhoneLayout(t *testing.T) {
	chromium := findChromium(t)
	f := newPhoneFixture(t, nil)
	bctx := phoneBrowser(t, chromium)
	f.signIn(t, bctx, "admin@example.org")
	pgh := f.reports["pgh"]
	pages := []struct{ path, name string }{
		{"/console/reports", "queue"},
		{fmt.Sprintf("/console/reports/%d", pgh.ID), "report"},
		{"/console/dashboard", "dashboard"},
		{"/console/staff", "staff"},
		{"/console/audit", "audit"},
		{"/console/retention", "retention"},
		{"/console/translate", "translate"},
		{"/console/translate/am", "translate-am"},
		{"/console/commissions", "commissions"},
		{"/console/settings", "settings"},
		{"/console/patterns", "patterns"},
	}
	for _, p := range pages {
		if w := checkPhonePage(t, bctx, f.srv.URL, p.path, "admin-"+p.name); w != phoneWidth {
			t.Errorf("%s: screenshot is %d px wide, want %d", p.path, w, phoneWidth)
		}
	}

	// Codes are words: the category, trait, place and respondent type.
	if err := chromedp.Do(bctx, chromedp.Navigate(f.srv.URL+fmt.Sprintf("/console/reports/%d", pgh.ID)), chromedp.WaitVisible(chromedp.CSS(`main h1`))); err != nil {
		t.Fatal(err)
	}
	html := mustRun(t, bctx, chromedp.OuterHTML(chromedp.CSS(`main`)))
	for _, want := range []string{"Business or public place", "National origin", "Pittsburgh, Pennsylvania", "Landlord"} {
		if !strings.Contains(html, want) {
			t.Errorf("report page lacks the label %q", want)
		}
	}
	for _, raw := range []string{">public-place<", ">national-origin<", "pittsburgh-pa<"} {
		if strings.Contains(html, raw) {
			t.Errorf("report page shows the raw code %q", raw)
		}
	}

	// Keyboard: the first Tab lands on the skip link, visibly.
	err := chromedp.Do(bctx,
		chromedp.Navigate(f.srv.URL+"/console/reports"),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)),
		chromedp.KeyEvent("\t"),
	)
	if err != nil {
		t.Fatal(err)
	}
	focus := mustRun(t, bctx, chromedp.Evaluate[[]string](`[document.activeElement.className, getComputedStyle(document.activeElement).outlineStyle, getComputedStyle(document.activeElement).outlineWidth]`))
	if focus[0] != "skip" || focus[1] == "none" || focus[2] == "0px" {
		t.Errorf("first Tab: focus on %q with outline %s %s, want the skip link with a visible outline", focus[0], focus[1], focus[2])
	}

	// Time zone: the member chooses Pacific time; dates follow.
	err = chromedp.Do(bctx,
		chromedp.Navigate(f.srv.URL+"/console/settings"),
		chromedp.WaitVisible(chromedp.CSS(`select[name=tz]`)),
		chromedp.SetValue(chromedp.CSS(`select[name=tz]`), "America/Los_Angeles"),
		chromedp.SetValue(chromedp.CSS(`select[name=lang]`), "es"),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		chromedp.Navigate(f.srv.URL+fmt.Sprintf("/console/reports/%d", pgh.ID)),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	meta := mustRun(t, bctx, chromedp.Text(chromedp.CSS(`p.meta`)))
	wantZone := pgh.CreatedAt.In(mustZone(t, "America/Los_Angeles")).Format("2006-01-02 15:04 MST")
	if !strings.Contains(meta, wantZone) {
		t.Errorf("report filed at %q, want %q (Pacific time)", meta, wantZone)
	}
	answers := mustRun(t, bctx, chromedp.Text(chromedp.CSS(`main section.answers`)))
	esCat, _ := f.cat.Text(locales.Spanish, "intake.cat.public-place", nil)
	if !strings.Contains(answers, esCat) {
		t.Errorf("with Spanish labels the category should read %q:\n%s", esCat, answers)
	}

	// Commission staff see the same pages of their own at 360 px.
	sctx := phoneBrowser(t, chromium)
	f.signIn(t, sctx, "jordan.longname-for-wrapping@pittsburghpa.example.gov")
	for _, p := range pages[:3] {
		checkPhonePage(t, sctx, f.srv.URL, p.path, "staff-"+p.name)
	}
	checkPhonePage(t, sctx, f.srv.URL, "/console/retention", "staff-retention")
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
