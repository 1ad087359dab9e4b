package console

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"html/template"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// setupTranslations is setup plus the real catalog, applied edits, and a
// translator "tr" for Amharic.
func setupTranslations(t *testing.T, backend string) (*bundle, *locales.Catalog) {
	t.Helper()
	b := setup(t, backend)
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	b.console.cfg.Catalog = cat
	b.console.cfg.TranslationsChanged = func(ctx context.Context) error {
		_, _, err := ApplyTranslationEdits(ctx, b.store, cat)
		return err
	}
	ctx := t.Context()
	if _, err := AddTranslator(ctx, b.store, store.Staff{Email: "tr@example.org", Name: "Tigist"}, []locales.Lang{locales.Amharic}, testPassword, 0, "test"); err != nil {
		t.Fatal(err)
	}
	tr, err := b.store.StaffByEmail(ctx, "tr@example.org")
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := HashPassword(testPassword)
	if err := b.store.InTx(ctx, func(tx *store.Tx) error { return tx.SetStaffPassword(ctx, tr.ID, hash, false) }); err != nil {
		t.Fatal(err)
	}
	b.staff["tr"] = tr
	return b, cat
}

// loginTranslator signs in as "tr": the queue sends a translator to the
// translations.
func (b *bundle) loginTranslator() *client {
	b.t.Helper()
	c := b.newClient()
	if status, loc, body := c.signIn("tr@example.org", testPassword); status != http.StatusSeeOther {
		b.t.Fatalf("login tr: %d %q %s", status, loc, body)
	}
	status, _ := c.get(Path + "/reports")
	if status != http.StatusSeeOther {
		b.t.Fatalf("a translator's queue: %d, want a redirect to the translations", status)
	}
	c.get(Path + "/translate/am")
	return c
}

func TestTranslatorSeesNoReport(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			b, _ := setupTranslations(t, backend)
			tr := b.loginTranslator()
			_, missing := tr.get(Path + "/reports/999999")
			for name, rep := range b.reports {
				for _, path := range []string{fmt.Sprintf("/reports/%d", rep.ID), fmt.Sprintf("/reports/%d/export.csv", rep.ID)} {
					status, body := tr.get(Path + path)
					if status != http.StatusNotFound || body != missing || strings.Contains(body, rep.Reference) {
						t.Errorf("translator GET %s (%s): %d", path, name, status)
					}
				}
				status, _, _ := tr.post(fmt.Sprintf("%s/reports/%d/notes", Path, rep.ID), url.Values{"body": {"x"}})
				if status != http.StatusNotFound {
					t.Errorf("translator adds a note to %s: %d", name, status)
				}
			}
			for _, path := range []string{"/export.csv", "/dashboard", "/staff", "/audit", "/translate/es", "/translate/en", "/translate/es/messages/common.help"} {
				if status, _ := tr.get(Path + path); status != http.StatusNotFound {
					t.Errorf("translator GET %s: %d, want 404", path, status)
				}
			}
			if status, loc := getLocation(tr, Path+"/translate"); status != http.StatusSeeOther || loc != Path+"/translate/am" {
				t.Errorf("one language opens it: %d %q", status, loc)
			}
			// Commission staff have no translation pages.
			dc := b.login("dc")
			for _, path := range []string{"/translate", "/translate/am", "/translate/am/export.xlf"} {
				if status, _ := dc.get(Path + path); status != http.StatusNotFound {
					t.Errorf("staff GET %s: %d, want 404", path, status)
				}
			}
			// An admin reaches every language.
			admin := b.login("admin")
			if status, body := admin.get(Path + "/translate"); status != http.StatusOK || !strings.Contains(body, "Amharic") || !strings.Contains(body, "Korean") {
				t.Errorf("admin translations: %d", status)
			}
		})
	}
}

func getLocation(c *client, path string) (int, string) {
	resp, err := c.http.Get(c.b.srv.URL + path)
	if err != nil {
		c.b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

func TestTranslatorFixesAndReviews(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			b, cat := setupTranslations(t, backend)
			tr := b.loginTranslator()
			const id = "common.help"
			en, _ := cat.Lookup(locales.English, id)
			status, body := tr.get(Path + "/translate/am/messages/" + id)
			if status != http.StatusOK || !strings.Contains(body, htmlEscape(en.Text)) || !strings.Contains(body, "SMS segment") || !strings.Contains(body, "Lint: no problems") {
				t.Fatalf("message page: %d\n%s", status, body)
			}
			// A broken template is refused with the reason, nothing stored.
			status, _, body = tr.post(Path+"/translate/am/messages/"+id, url.Values{"text": {"እገዛ {{.ref}}"}, "action": {"save"}})
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Not saved") || !strings.Contains(body, "{{.ref}}") {
				t.Errorf("wrong variables: %d\n%s", status, body)
			}
			// Without CSRF: 403.
			if status, _, _ := tr.post(Path+"/translate/am/messages/"+id, url.Values{"text": {"x"}, "action": {"save"}, "csrf": {"forged"}}); status != http.StatusForbidden {
				t.Errorf("forged CSRF: %d", status)
			}
			if n := b.count("translation_edits", "1=1"); n != 0 {
				t.Fatalf("%d edits stored from refused forms", n)
			}
			fixed := "Rightsline ስለ መብቶችዎ ነጻ መረጃ ይሰጣል።\r\nአደጋ፦ 911።"
			status, loc, _ := tr.post(Path+"/translate/am/messages/"+id, url.Values{"text": {fixed}, "action": {"review"}})
			if status != http.StatusSeeOther || !strings.Contains(loc, "done=reviewed") {
				t.Fatalf("save and review: %d %q", status, loc)
			}
			want := strings.ReplaceAll(fixed, "\r\n", "\n")
			if got, _ := cat.Text(locales.Amharic, id, nil); got != want {
				t.Errorf("the service sends %q, want the fix %q", got, want)
			}
			_, body = tr.get(loc)
			if !strings.Contains(body, "Saved and marked reviewed.") || !strings.Contains(body, "reviewed by Tigist") || !strings.Contains(body, "edited here") {
				t.Errorf("after review:\n%s", body)
			}
			if n := b.count("audit_log", "action = 'translation.review' AND detail = 'am common.help' AND staff_id = $1", b.staff["tr"].ID); n != 1 {
				t.Errorf("audit rows = %d", n)
			}
			if status, _, _ := tr.post(Path+"/translate/am/messages/"+id, url.Values{"text": {fixed}, "action": {"review"}}); status != http.StatusSeeOther || b.count("translation_edits", "1=1") != 1 {
				t.Errorf("an unchanged review is not a new edit: %d edits", b.count("translation_edits", "1=1"))
			}
			// The list shows it reviewed; the "needs review" filter hides it.
			_, body = tr.get(Path + "/translate/am?show=reviewed")
			if !strings.Contains(body, ">"+id+"<") {
				t.Errorf("reviewed list lacks %s", id)
			}
			_, body = tr.get(Path + "/translate/am")
			if strings.Contains(body, ">"+id+"<") || !strings.Contains(body, "common.disclaimer") {
				t.Errorf("needs-review list:\n%s", body)
			}
			// Another instance (a fresh catalog) picks the edit up from the
			// database.
			other, _ := locales.Load()
			if n, _, err := ApplyTranslationEdits(t.Context(), b.store, other); err != nil || n != 1 {
				t.Fatalf("applied %d, %v", n, err)
			}
			if got, _ := other.Text(locales.Amharic, id, nil); got != want {
				t.Errorf("other instance sends %q", got)
			}
		})
	}
}

// TestTranslationStaleShows: once the English changes (here: a catalog
// whose English disclaimer differs from the one translated), the
// translation is listed as stale, with the current English beside it, and
// a console edit made for the older English is not applied.
func TestTranslationStaleShows(t *testing.T) {
	b, _ := setupTranslations(t, storetest.SQLite)
	ctx := t.Context()
	const id = "common.disclaimer"
	fsys := fstest.MapFS{}
	names, _ := filepath.Glob("../../locales/*.toml")
	for _, name := range names {
		buf, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(name) == "en.toml" {
			i := bytes.Index(buf, []byte("[\""+id+"\"]"))
			j := i + bytes.Index(buf[i:], []byte("other = \""))
			buf = append(append(append([]byte{}, buf[:j+9]...), "NEW ENGLISH "...), buf[j+9:]...)
		}
		fsys[filepath.Base(name)] = &fstest.MapFile{Data: buf}
	}
	cat, _, err := locales.LoadFS(fsys, false)
	if err != nil {
		t.Fatal(err)
	}
	b.console.cfg.Catalog = cat
	b.console.cfg.TranslationsChanged = func(ctx context.Context) error {
		_, _, err := ApplyTranslationEdits(ctx, b.store, cat)
		return err
	}
	old, _ := cat.Lookup(locales.Amharic, id)
	err = b.store.InTx(ctx, func(tx *store.Tx) error {
		return tx.InsertTranslationEdit(ctx, &store.TranslationEdit{Lang: "am", MessageID: id, Text: "የቆየ", SourceHash: old.SourceHash, Status: store.TranslationReviewed, StaffName: "X"})
	})
	if err != nil {
		t.Fatal(err)
	}
	tr := b.loginTranslator()
	_, body := tr.get(Path + "/translate/am?show=stale")
	if !strings.Contains(body, ">"+id+"<") || strings.Contains(body, ">common.help<") {
		t.Errorf("stale list:\n%s", body)
	}
	_, body = tr.get(Path + "/translate/am/messages/" + id)
	if !strings.Contains(body, "The English changed") || !strings.Contains(body, "NEW ENGLISH") || !strings.Contains(body, "የቆየ") {
		t.Errorf("message page:\n%s", body)
	}
	if n, skipped, _ := ApplyTranslationEdits(ctx, b.store, cat); n != 0 || len(skipped) != 1 {
		t.Errorf("applied %d, skipped %v", n, skipped)
	}
	if got, _ := cat.Text(locales.Amharic, id, nil); got == "የቆየ" {
		t.Error("an edit of older English is applied")
	}
	// Fixing it against the new English clears the stale mark.
	tr.post(Path+"/translate/am/messages/"+id, url.Values{"text": {"አዲስ"}, "action": {"review"}})
	if _, body = tr.get(Path + "/translate/am?show=stale"); strings.Contains(body, ">"+id+"<") {
		t.Error("still stale after the fix")
	}
	if got, _ := cat.Text(locales.Amharic, id, nil); got != "አዲስ" {
		t.Errorf("the fix is not applied: %q", got)
	}
}

func TestXLIFFExportImport(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			b, cat := setupTranslations(t, backend)
			tr := b.loginTranslator()
			resp, err := tr.http.Get(b.srv.URL + Path + "/translate/am/export.xlf")
			if err != nil {
				t.Fatal(err)
			}
			file, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "rightsline-am.xlf") {
				t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
			}
			l, units, err := locales.ReadXLIFF(bytes.NewReader(file))
			if err != nil || l != locales.Amharic || len(units) != len(cat.IDs()) {
				t.Fatalf("exported file: %s, %d units, %v", l, len(units), err)
			}
			if n := b.count("audit_log", "action = 'translation.export'"); n != 1 {
				t.Errorf("export audit rows = %d", n)
			}
			// The same file back changes nothing.
			status, body := tr.upload("am", file)
			if status != http.StatusOK || !strings.Contains(body, "<strong>0</strong> would change") || strings.Contains(body, "import/confirm") {
				t.Fatalf("re-import: %d\n%s", status, body)
			}
			// Edit two units offline: one fixed and reviewed, one only reviewed.
			for i := range units {
				switch units[i].ID {
				case "common.help":
					units[i].Target, units[i].Review = "እገዛ፦ ምናሌ፣ ተመለስ። አደጋ፦ 911።", locales.ReviewReviewed
				case "common.disclaimer":
					units[i].Review = locales.ReviewReviewed
				}
			}
			var edited bytes.Buffer
			if err := locales.WriteXLIFF(&edited, locales.Amharic, units); err != nil {
				t.Fatal(err)
			}
			status, body = tr.upload("am", edited.Bytes())
			if status != http.StatusOK || !strings.Contains(body, "<strong>2</strong> would change (2 marked reviewed)") {
				t.Fatalf("import preview: %d\n%s", status, body)
			}
			if got, _ := cat.Text(locales.Amharic, "common.help", nil); got == "እገዛ፦ ምናሌ፣ ተመለስ። አደጋ፦ 911።" {
				t.Error("the preview applied the import")
			}
			status, body = tr.confirmImport("am", body)
			if status != http.StatusOK || !strings.Contains(body, "Imported: 2 changed (2 marked reviewed)") {
				t.Fatalf("import: %d\n%s", status, body)
			}
			if got, _ := cat.Text(locales.Amharic, "common.help", nil); got != "እገዛ፦ ምናሌ፣ ተመለስ። አደጋ፦ 911።" {
				t.Errorf("imported text not applied: %q", got)
			}
			// Export again: the round trip carries the text and the review.
			resp, _ = tr.http.Get(b.srv.URL + Path + "/translate/am/export.xlf")
			again, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			_, units2, err := locales.ReadXLIFF(bytes.NewReader(again))
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range units2 {
				if u.ID == "common.help" && (u.Review != locales.ReviewReviewed || !strings.HasPrefix(u.Target, "እገዛ፦")) {
					t.Errorf("round trip: %+v", u)
				}
			}
			before := b.count("translation_edits", "1=1")
			for name, c := range map[string]struct {
				file []byte
				want string
			}{
				"not xliff": {[]byte("<xliff version=\"1.2\"><file/></xliff>"), "not &lt;xliff&gt; in the XLIFF 2.0 namespace"},
				"binary":    {[]byte{0x50, 0x4b, 0x03, 0x04, 0, 0, 0xff}, "not UTF-8"},
				"korean":    {bytes.Replace(edited.Bytes(), []byte(`trgLang="am"`), []byte(`trgLang="ko"`), 1), "it is for Korean"},
				"template":  {bytes.Replace(edited.Bytes(), []byte("እገዛ፦ ምናሌ"), []byte("{{.ref}} እገዛ፦ ምናሌ"), 1), "nothing changed"},
			} {
				status, body := tr.upload("am", c.file)
				if status != http.StatusBadRequest || !strings.Contains(body, c.want) {
					t.Errorf("%s: %d, want 400 saying %q\n%s", name, status, c.want, body)
				}
			}
			if after := b.count("translation_edits", "1=1"); after != before {
				t.Errorf("refused files stored %d edits", after-before)
			}
			// Another language's page is not the translator's to import into.
			if status, _ := tr.upload("es", file); status != http.StatusNotFound {
				t.Errorf("import into es: %d", status)
			}
		})
	}
}

// upload posts a review file (CSV or XLIFF) to a language's import form:
// the answer is the preview.
func (c *client) upload(lang string, file []byte) (int, string) {
	c.b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", c.csrf)
	fw, _ := mw.CreateFormFile("file", "rightsline-"+lang+".xlf")
	_, _ = fw.Write(file)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.b.srv.URL+Path+"/translate/"+lang+"/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		c.b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// confirmImport posts the confirm form of a preview page.
func (c *client) confirmImport(lang, preview string) (int, string) {
	c.b.t.Helper()
	fields := map[string]string{}
	for _, m := range hiddenField.FindAllStringSubmatch(preview, -1) {
		fields[m[1]] = html.UnescapeString(m[2])
	}
	if fields["plan"] == "" || fields["data"] == "" {
		c.b.t.Fatalf("no confirm form in the preview:\n%s", preview)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", c.csrf)
	for _, k := range []string{"plan", "data", "name"} {
		_ = mw.WriteField(k, fields[k])
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.b.srv.URL+Path+"/translate/"+lang+"/import/confirm", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		c.b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var hiddenField = regexp.MustCompile(`<input type="hidden" name="(plan|data|name)" value="([^"]*)">`)

func htmlEscape(s string) string { return template.HTMLEscapeString(s) }
