package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/intake/console"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// chromiumNames are the binaries the browser test looks for, Debian's
// first.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}

// findChromium returns the browser to drive, or skips the test, unless CI
// or RIGHTSLINE_REQUIRE_BROWSER=1 demand it, in which case it fails.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range chromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium found (looked for " + strings.Join(chromiumNames, ", ") + " on PATH); install it with `apt-get install -y chromium`"
	if os.Getenv("CI") != "" || os.Getenv("RIGHTSLINE_REQUIRE_BROWSER") == "1" {
		t.Fatalf("%s: CI or RIGHTSLINE_REQUIRE_BROWSER=1 requires the browser test", msg)
	}
	t.Skip(msg + "; skipping the browser test")
	return ""
}

// TestBrowserStaffChangesStatus drives headless Chromium through the
// console as a staff member would: sign in, open the queue, open a report,
// move it to "in review", and checks that the resident's Spanish update
// was queued in the outbox with the change.
func TestBrowserStaffChangesStatus(t *testing.T) {
	chromium := findChromium(t)
	ctx := t.Context()
	st := storetest.Open(t, storetest.SQLite)
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := intake.SeedCommissions(ctx, st); err != nil {
		t.Fatal(err)
	}
	var rep store.Report
	var resident store.Contact
	err = st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if resident, err = tx.ContactForUpdate(ctx, "sms", "+12025550188"); err != nil {
			return err
		}
		if err := tx.InsertMessage(ctx, &store.Message{ContactID: resident.ID, Direction: "in", Channel: "sms", Body: "Mi casero cambió la cerradura <b>hoy</b>"}); err != nil {
			return err
		}
		rep = store.Report{Reference: "DC-7KQ2-9D", ContactID: resident.ID, Channel: "sms", Lang: "es", Category: intake.Housing,
			Narrative: "Mi casero cambió la cerradura. <script>alert(1)</script>", ZIP: "20001", Jurisdiction: "dc",
			ContactMethod: store.ContactThis, Consent: true, CommissionID: "dc-ohr", RouteRule: "dc/housing", RouteReason: "ZIP 20001 is in DC",
			Deadline: time.Now().AddDate(0, 6, 0).Format(time.DateOnly)}
		return tx.InsertReport(ctx, &rep)
	})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := console.HashPassword("browser test password")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.InsertStaff(ctx, &store.Staff{Email: "ana@ohr.example", Name: "Ana", PasswordHash: hash, Role: store.RoleStaff, CommissionID: "dc-ohr"}); err != nil {
		t.Fatal(err)
	}

	svc := intake.NewService(st, cat)
	c, err := console.New(console.Config{
		Store:  st,
		Notify: svc.NotifyResident,
		Preview: func(r store.Report, l locales.Lang, id string) (string, error) {
			return cat.Text(l, id, map[string]string{"ref": r.Reference, "commission": "DC Office of Human Rights"})
		},
		UpdateTemplates: []string{intake.UpdateRequestInfo, intake.UpdateGeneral},
		Categories:      intake.Categories,
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	c.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	bctx := phoneBrowser(t, chromium)

	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	err = chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/console/login"),
		chromedp.WaitVisible(css(`input[name=email]`)),
		chromedp.SendKeys(css(`input[name=email]`), "ana@ohr.example"),
		chromedp.SendKeys(css(`input[name=password]`), "browser test password"),
		chromedp.Click(css(`main form button[type=submit]`)),
		chromedp.WaitVisible(css(`table.queue`)),
	)
	if err != nil {
		t.Fatalf("browser: sign in and open the queue: %v", err)
	}
	queueText := mustRun(t, bctx, chromedp.Text(css(`table.queue`)))
	err = chromedp.Do(bctx,
		chromedp.Click(css(`a.ref`)),
		chromedp.WaitVisible(css(`form[action$="/status"]`)),
	)
	if err != nil {
		t.Fatalf("browser: open the report: %v", err)
	}
	narrative := mustRun(t, bctx, chromedp.Text(css(`.narrative`)))
	reportHTML := mustRun(t, bctx, chromedp.OuterHTML(css(`main`)))
	err = chromedp.Do(bctx,
		chromedp.Click(css(`form[action$="/status"] input[value=in_review]`)),
		chromedp.Click(css(`form[action$="/status"] button[type=submit]`)),
		chromedp.WaitVisible(css(`.flash`)),
	)
	if err != nil {
		t.Fatalf("browser: change the status: %v", err)
	}
	flash := mustRun(t, bctx, chromedp.Text(css(`.flash`)))
	if !strings.Contains(queueText, "DC-7KQ2-9D") {
		t.Errorf("queue does not list the report:\n%s", queueText)
	}
	if !strings.Contains(narrative, "<script>alert(1)</script>") || strings.Contains(reportHTML, "<script>") {
		t.Errorf("the narrative must be shown as text, got %q", narrative)
	}
	if !strings.Contains(reportHTML, "Spanish (Español)") {
		t.Errorf("report page does not say the update goes out in Spanish")
	}
	if flash != "Status changed." {
		t.Errorf("flash = %q", flash)
	}

	got, err := st.ReportByID(ctx, rep.ID)
	if err != nil || got.Status != store.ReportInReview {
		t.Fatalf("report status = %q, %v", got.Status, err)
	}
	want, err := cat.Text(locales.Spanish, intake.UpdateInReview, map[string]string{"ref": rep.Reference, "commission": "Oficina de Derechos Humanos de DC (OHR)"})
	if err != nil {
		t.Fatal(err)
	}
	queued, err := st.OutboundByContact(ctx, resident.ID)
	if err != nil || len(queued) == 0 {
		t.Fatalf("no update queued for the resident: %v", err)
	}
	body, address, status := queued[0].Body, queued[0].Address, queued[0].Status
	if address != "+12025550188" || status != "pending" {
		t.Errorf("queued to %q with status %q", address, status)
	}
	if body != want {
		t.Errorf("queued body = %q, want the Spanish update %q", body, want)
	}
	var audits int
	if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM audit_log WHERE report_id = $1 AND action IN ('report.view', 'report.status', 'report.update')", rep.ID).Scan(&audits); err != nil || audits < 3 {
		t.Errorf("audit rows for view, status and update = %d, %v", audits, err)
	}
}

// mustRun runs a browser action that returns a value.
func mustRun[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}

// phoneBrowser starts headless Chromium at a phone's size (phoneWidth), with the flags
// this closed network needs, and stops it when the test ends. The
// context it returns times out after 90 s.
func phoneBrowser(t *testing.T, chromium string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(phoneWidth, 800),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancelBrowser)
	bctx, cancelTimeout := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(cancelTimeout)
	// Headless windows are at least 500 px wide; the viewport is set to
	// the narrowest phone the console is built for.
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(phoneWidth, 800)); err != nil {
		t.Fatalf("browser: start at %d px: %v", phoneWidth, err)
	}
	return bctx
}
