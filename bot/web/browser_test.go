package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/web"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestBrowserSimulator drives /try in headless Chromium as a first-time
// visitor would: send "hola", get Spanish replies and quick-reply buttons,
// tap one, then reload and find the conversation still there. It runs the
// page's own script, which the handler tests cannot.
func TestBrowserSimulator(t *testing.T) {
	chromium := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chromium = p
			break
		}
	}
	if chromium == "" {
		if os.Getenv("CI") != "" || os.Getenv("RIGHTSLINE_REQUIRE_BROWSER") == "1" {
			t.Fatal("no Chromium on PATH, and CI or RIGHTSLINE_REQUIRE_BROWSER=1 requires the browser test (apt-get install -y chromium)")
		}
		t.Skip("no Chromium on PATH (apt-get install -y chromium); skipping the browser test")
	}
	st := storetest.Open(t, "sqlite")
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt, err := bot.New(st, cat, bot.Config{Log: log, Extensions: []bot.Extension{intake.Extension(st, intake.Config{Catalog: cat})}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	web.New(rt, st, cat, log).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(412, 915),
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancelBrowser()
	bctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()

	logText := func() string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`#log`)))
		if err != nil {
			t.Fatalf("browser: read the conversation: %v", err)
		}
		return s
	}
	err = chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/try"),
		chromedp.WaitVisible(chromedp.CSS(`#log li`)),
		chromedp.SendKeys(chromedp.CSS(`#text`), "hola"),
		chromedp.Click(chromedp.CSS(`#compose button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#choices button`)),
	)
	if err != nil {
		t.Fatalf("browser: send hola: %v", err)
	}
	if got := logText(); !strings.Contains(got, "hola") || !strings.Contains(got, "IDIOMA") {
		t.Fatalf("after hola the conversation reads:\n%s", got)
	}
	err = chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(`#choices button`)), // "1 Vivienda"
		chromedp.Sleep(300*time.Millisecond),
	)
	if err != nil {
		t.Fatalf("browser: tap a quick reply: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logText(), "Desalojo") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if got := logText(); !strings.Contains(got, "Desalojo") {
		t.Fatalf("the quick reply did not reach the housing menu:\n%s", got)
	}
	err = chromedp.Do(bctx,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#log li.in`)),
	)
	if err != nil {
		t.Fatalf("browser: reload: %v", err)
	}
	if got := logText(); !strings.Contains(got, "hola") || !strings.Contains(got, "Desalojo") {
		t.Fatalf("after a reload the conversation reads:\n%s", got)
	}
}
