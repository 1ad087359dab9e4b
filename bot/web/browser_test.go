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
	"github.com/chromedp/chromedp/kb"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/web"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestBrowserSimulator drives /try in headless Chromium as a first-time
// visitor would: send "hola", get Spanish replies and quick-reply buttons,
// tap one, then reload and find the conversation still there. It runs the
// page's own script, which the handler tests cannot.
func TestBrowserSimulator(t *testing.T) {
	srv, _ := browserServer(t, nil)
	bctx := browser(t)
	var err error

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

// browserServer serves /try on a fresh SQLite store, plus a neutral page
// at /neutral; mod adjusts the handler.
func browserServer(t *testing.T, mod func(*web.Handler)) (*httptest.Server, *store.Store) {
	t.Helper()
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
	h := web.New(rt, st, cat, log)
	if mod != nil {
		mod(h)
	}
	h.Register(mux)
	mux.HandleFunc("GET /neutral", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html><title>Weather</title><p id=neutral>Sunny</p>")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, st
}

// browser starts headless Chromium for the test, or skips (fails on CI)
// without one.
func browser(t *testing.T) context.Context {
	t.Helper()
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
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(412, 915),
	)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancelBrowser)
	bctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(cancel)
	return bctx
}

// TestBrowserQuickExit: on a shared computer, "Leave now" and Escape
// pressed twice each clear the page, erase the stored conversation and
// replace /try with the neutral page, so Back does not bring it back.
func TestBrowserQuickExit(t *testing.T) {
	srv, st := browserServer(t, func(h *web.Handler) { h.QuickExitURL = "/neutral" })
	bctx := browser(t)
	stored := func() int {
		t.Helper()
		var n int
		if err := st.DB().QueryRow("SELECT count(*) FROM messages").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, how := range []struct {
		name  string
		leave chromedp.Action[chromedp.Void]
	}{
		{"button", chromedp.Click(chromedp.CSS(`#leave button`))},
		{"double Escape", chromedp.Steps(chromedp.KeyEvent(kb.Escape), chromedp.KeyEvent(kb.Escape))},
	} {
		err := chromedp.Do(bctx,
			chromedp.Navigate(srv.URL+"/try"),
			chromedp.WaitVisible(chromedp.CSS(`#log li`)),
			chromedp.SendKeys(chromedp.CSS(`#text`), "my landlord changed the locks"),
			chromedp.Click(chromedp.CSS(`#compose button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#log li.out:nth-child(3)`)),
		)
		if err != nil {
			t.Fatalf("%s: start a conversation: %v", how.name, err)
		}
		if stored() == 0 {
			t.Fatalf("%s: nothing stored before leaving", how.name)
		}
		lctx, cancel := context.WithTimeout(bctx, 15*time.Second)
		err = chromedp.Do(lctx, how.leave, chromedp.WaitVisible(chromedp.CSS(`#neutral`)))
		cancel()
		if err != nil {
			t.Fatalf("%s: leave: %v", how.name, err)
		}
		if url, _ := chromedp.Run(bctx, chromedp.Location()); url != srv.URL+"/neutral" {
			t.Errorf("%s: left for %q", how.name, url)
		}
		deadline := time.Now().Add(5 * time.Second)
		for stored() != 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if n := stored(); n != 0 {
			t.Errorf("%s: %d messages still stored after leaving", how.name, n)
		}
		// Back does not return to the conversation: /try was replaced.
		_ = chromedp.Do(bctx, chromedp.NavigateBack(), chromedp.Sleep(300*time.Millisecond))
		if back, _ := chromedp.Run(bctx, chromedp.Location()); strings.Contains(back, "/try") {
			t.Errorf("%s: Back returned to %q", how.name, back)
		}
		// Opening /try again shows an empty conversation.
		err = chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/try"), chromedp.WaitVisible(chromedp.CSS(`#log li`)))
		if err != nil {
			t.Fatalf("%s: reopen: %v", how.name, err)
		}
		if logText, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`#log`))); strings.Contains(logText, "landlord") {
			t.Errorf("%s: reopening /try shows the old conversation:\n%s", how.name, logText)
		}
	}
}

// TestBrowserLongChoiceListAtPhoneWidth: at 360 px, a DC report reaches
// the protected-trait question (23 traits and "not sure"): the 24 quick
// replies scroll in their own strip, and the question stays on screen
// above the list, not squeezed out by the buttons.
func TestBrowserLongChoiceListAtPhoneWidth(t *testing.T) {
	srv, _ := browserServer(t, nil)
	bctx := browser(t)
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(360, 740), chromedp.Navigate(srv.URL+"/try"), chromedp.WaitVisible(chromedp.CSS(`#log li`))); err != nil {
		t.Fatalf("browser: open /try: %v", err)
	}
	logText := func() string {
		s, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`#log`)))
		return s
	}
	send := func(text, want string) {
		t.Helper()
		if err := chromedp.Do(bctx, chromedp.SendKeys(chromedp.CSS(`#text`), text), chromedp.Click(chromedp.CSS(`#compose button[type=submit]`))); err != nil {
			t.Fatalf("browser: send %q: %v", text, err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(logText(), want) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if !strings.Contains(logText(), want) {
			t.Fatalf("after %q no %q in:\n%s", text, want, logText())
		}
	}
	send("hi", "Reply with a number")
	send("4", "What is it about?")
	send("1", "What happened?")
	send("My landlord refused to rent to me", "Send more")
	send("done", "When did it happen")
	send("today", "Where did it happen")
	send("20001", "Who did it")
	send("1", "What is their name")
	send("skip", "More choices: reply MORE")
	type layout struct {
		Buttons                        int
		LogTop, LogBottom, LogHeight   float64
		QuestionTop, QuestionBottom    float64
		ChoicesTop, ChoicesHeight      float64
		PhoneHeight, ChoicesScrollable float64
	}
	got, err := chromedp.Run(bctx, chromedp.Evaluate[layout](`(() => {
		const log = document.getElementById("log").getBoundingClientRect();
		const outs = [...document.querySelectorAll("#log li.out")];
		const q = outs[outs.length - 2].getBoundingClientRect(); // the question, then the page of the list
		const ch = document.getElementById("choices");
		const cr = ch.getBoundingClientRect();
		return {Buttons: ch.querySelectorAll("button").length, LogTop: log.top, LogBottom: log.bottom, LogHeight: log.height,
			QuestionTop: q.top, QuestionBottom: q.bottom, ChoicesTop: cr.top, ChoicesHeight: cr.height,
			PhoneHeight: document.querySelector(".phone").getBoundingClientRect().height,
			ChoicesScrollable: ch.scrollHeight - ch.clientHeight};
	})()`))
	if err != nil {
		t.Fatalf("browser: measure: %v", err)
	}
	t.Logf("layout at 360 px: %+v", got)
	if got.Buttons != 24 {
		t.Errorf("%d quick replies, want DC's 23 traits and not sure", got.Buttons)
	}
	if got.ChoicesHeight > got.PhoneHeight/3 || got.ChoicesScrollable <= 0 {
		t.Errorf("the quick replies take %.0f of %.0f px (scrollable by %.0f): they should scroll in a strip", got.ChoicesHeight, got.PhoneHeight, got.ChoicesScrollable)
	}
	if got.LogHeight < got.PhoneHeight/3 {
		t.Errorf("the conversation has %.0f of %.0f px", got.LogHeight, got.PhoneHeight)
	}
	if got.QuestionTop < got.LogTop-1 || got.QuestionBottom > got.LogBottom+1 || got.QuestionBottom > got.ChoicesTop {
		t.Errorf("the question (%.0f-%.0f) is not on screen in the conversation (%.0f-%.0f)", got.QuestionTop, got.QuestionBottom, got.LogTop, got.LogBottom)
	}
}
