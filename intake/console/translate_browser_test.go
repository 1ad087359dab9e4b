package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/intake/console"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestBrowserTranslatorReviewsAmharic is the reviewer workflow as a
// volunteer who reads Amharic meets it, with nothing but a browser: an
// account made as `rightsline staff add --role translator --lang am` makes
// it (a one-time password), sign in, choose a password, land on the
// Amharic messages, open one, see the English, its notes, the SMS
// segments and the lint result beside the Amharic, fix it, save it as
// reviewed — and the service sends the fix from then on.
func TestBrowserTranslatorReviewsAmharic(t *testing.T) {
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
	oneTime, err := console.AddTranslator(ctx, st, store.Staff{Email: "tigist@example.org", Name: "Tigist"}, []locales.Lang{locales.Amharic}, "", 0, "cli")
	if err != nil {
		t.Fatal(err)
	}
	svc := intake.NewService(st, cat)
	c, err := console.New(console.Config{
		Store:  st,
		Notify: svc.NotifyResident,
		Preview: func(r store.Report, l locales.Lang, id string) (string, error) {
			return cat.Text(l, id, map[string]string{"ref": r.Reference, "commission": "x"})
		},
		Categories: intake.Categories,
		Catalog:    cat,
		TranslationsChanged: func(ctx context.Context) error {
			_, _, err := console.ApplyTranslationEdits(ctx, st, cat)
			return err
		},
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
	const newPassword = "ሰላም Tigist 2026 reviews"
	err = chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/console/login"),
		chromedp.WaitVisible(css(`input[name=email]`)),
		chromedp.SendKeys(css(`input[name=email]`), "tigist@example.org"),
		chromedp.SendKeys(css(`input[name=password]`), oneTime),
		chromedp.Click(css(`main form button[type=submit]`)),
		chromedp.WaitVisible(css(`input[name=new]`)),
		chromedp.SendKeys(css(`input[name=current]`), oneTime),
		chromedp.SendKeys(css(`input[name=new]`), newPassword),
		chromedp.SendKeys(css(`input[name=repeat]`), newPassword),
		chromedp.Click(css(`main form button[type=submit]`)),
		chromedp.WaitVisible(css(`table.translations`)),
	)
	if err != nil {
		t.Fatalf("browser: sign in, choose a password, open the Amharic messages: %v", err)
	}
	title := mustRun(t, bctx, chromedp.Text(css(`main h1`)))
	nav := mustRun(t, bctx, chromedp.Text(css(`header nav`)))
	if !strings.Contains(title, "Amharic") || strings.Contains(nav, "Queue") {
		t.Errorf("landing page: title %q, nav %q", title, nav)
	}

	const id = "common.help"
	en, _ := cat.Lookup(locales.English, id)
	before, _ := cat.Text(locales.Amharic, id, nil)
	err = chromedp.Do(bctx,
		chromedp.Click(css(`a.ref[href$="/messages/`+id+`"]`)),
		chromedp.WaitVisible(css(`textarea[name=text]`)),
	)
	if err != nil {
		t.Fatalf("browser: open %s: %v", id, err)
	}
	english := mustRun(t, bctx, chromedp.Text(css(`.english`)))
	segments := mustRun(t, bctx, chromedp.Text(css(`.segments`)))
	lint := mustRun(t, bctx, chromedp.Text(css(`.lint`)))
	if english != en.Text || !strings.Contains(segments, "SMS segment") || !strings.Contains(segments, "UCS-2") || lint == "" {
		t.Errorf("side by side: English %q, segments %q, lint %q", english, segments, lint)
	}
	if en.Description != "" {
		if notes := mustRun(t, bctx, chromedp.Text(css(`.description`))); !strings.Contains(notes, en.Description) {
			t.Errorf("notes = %q", notes)
		}
	}
	// The fix: the informal BACK and a shorter help, as a reviewer would.
	const fixed = "Rightsline ስለ መብቶችዎ ነጻ መረጃ ይሰጣል። ምናሌ፣ ተመለስ፣ ቋንቋ ወይም STOP ይላኩ። አደጋ፦ 911።"
	err = chromedp.Do(bctx,
		chromedp.Clear(css(`textarea[name=text]`)),
		chromedp.SendKeys(css(`textarea[name=text]`), fixed),
		chromedp.Click(css(`button[value=review]`)),
		chromedp.WaitVisible(css(`.flash`)),
	)
	if err != nil {
		t.Fatalf("browser: fix and mark reviewed: %v", err)
	}
	flash := mustRun(t, bctx, chromedp.Text(css(`.flash`)))
	state := mustRun(t, bctx, chromedp.Text(css(`.state`)))
	current := mustRun(t, bctx, chromedp.Text(css(`.current`)))
	if flash != "Saved and marked reviewed." || !strings.Contains(state, "reviewed by Tigist") || current != fixed {
		t.Errorf("after saving: flash %q, state %q, text %q", flash, state, current)
	}
	if got, _ := cat.Text(locales.Amharic, id, nil); got != fixed || got == before {
		t.Errorf("the service sends %q, want the reviewer's fix", got)
	}
	var edits, audits int
	// The signature is sealed (a staff member's name) and reads back.
	if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM translation_edits WHERE lang = 'am' AND message_id = $1 AND status = 'reviewed' AND staff_name LIKE 'rl1.%'", id).Scan(&edits); err != nil || edits != 1 {
		t.Errorf("stored edits = %d, %v", edits, err)
	}
	if h, err := st.TranslationEditHistory(ctx, "am", id, 1); err != nil || len(h) != 1 || h[0].StaffName != "Tigist" {
		t.Errorf("edit history = %+v, %v", h, err)
	}
	if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM audit_log WHERE action = 'translation.review'").Scan(&audits); err != nil || audits != 1 {
		t.Errorf("audit rows = %d, %v", audits, err)
	}
}
