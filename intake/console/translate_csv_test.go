package console

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store/storetest"
)

// exportCSV downloads a language's review spreadsheet.
func (c *client) exportCSV(lang string) (*http.Response, []byte) {
	c.b.t.Helper()
	resp, err := c.http.Get(c.b.srv.URL + Path + "/translate/" + lang + "/export.csv")
	if err != nil {
		c.b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func writeCSV(t *testing.T, l locales.Lang, rows []locales.ReviewRow) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := locales.WriteCSV(&b, l, rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCSVExportImport is the spreadsheet round trip in the translators'
// console, on both backends: the download (BOM, the language in the
// header, formulas made inert), an upload that previews without saving,
// the confirm that saves in one go, stale rows flagged and not applied,
// HTML in a translation shown as text, refusals that store nothing, and a
// preview that went out of date.
func TestCSVExportImport(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			b, cat := setupTranslations(t, backend)
			tr := b.loginTranslator()
			resp, file := tr.exportCSV("am")
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(resp.Header.Get("Content-Disposition"), "rightsline-am.csv") {
				t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
			}
			if !bytes.HasPrefix(file, []byte("\ufeffid,English,translation (am),notes,segments,lint,review status,reviewer,reviewed at,source hash\r\n")) {
				t.Fatalf("export header: %.200q", file)
			}
			if n := b.count("audit_log", "action = 'translation.export'"); n != 1 {
				t.Errorf("export audit rows = %d", n)
			}
			l, rows, err := locales.ReadCSV(bytes.NewReader(file))
			if err != nil || l != locales.Amharic || len(rows) != len(cat.IDs()) {
				t.Fatalf("exported file: %s, %d rows, %v", l, len(rows), err)
			}
			// The same file back changes nothing and offers no confirm.
			status, body := tr.upload("am", file)
			if status != http.StatusOK || !strings.Contains(body, "<strong>0</strong> would change") || strings.Contains(body, "import/confirm") {
				t.Fatalf("re-import: %d\n%s", status, body)
			}
			const fixed = "እገዛ፦ ምናሌ፣ ተመለስ። አደጋ፦ 911።"
			const formula = "=cmd|' /C calc'!A0 ሰላም"
			const script = "<script>alert(1)</script> ማስታወሻ"
			for i := range rows {
				switch rows[i].ID {
				case "common.help":
					rows[i].Translation, rows[i].Review = fixed, locales.ReviewReviewed
				case "common.disclaimer":
					rows[i].Translation = formula
				case "common.no_more":
					rows[i].Translation = script
				case "common.idle_restart":
					// Exported before the English changed.
					rows[i].English, rows[i].SourceHash, rows[i].Translation = "Older English", "sha1-0000", "የቆየ"
				}
			}
			edited := writeCSV(t, locales.Amharic, rows)
			if !bytes.Contains(edited, []byte(`'=cmd|`)) {
				t.Fatal("the formula is not escaped in the file")
			}
			before := b.count("translation_edits", "1=1")
			status, body = tr.upload("am", edited)
			if status != http.StatusOK || !strings.Contains(body, "<strong>3</strong> would change (1 marked reviewed)") || !strings.Contains(body, "<strong>1</strong> stale") {
				t.Fatalf("preview: %d\n%s", status, body)
			}
			if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Errorf("the preview does not show the script as text:\n%s", body)
			}
			if !strings.Contains(body, "common.idle_restart: the English changed since the export; not applied") {
				t.Errorf("the stale row is not flagged:\n%s", body)
			}
			if after := b.count("translation_edits", "1=1"); after != before {
				t.Fatalf("the preview stored %d edits", after-before)
			}
			if got, _ := cat.Text(locales.Amharic, "common.help", nil); got == fixed {
				t.Fatal("the preview applied the import")
			}
			status, body = tr.confirmImport("am", body)
			if status != http.StatusOK || !strings.Contains(body, "Imported: 3 changed (1 marked reviewed), ") {
				t.Fatalf("confirm: %d\n%s", status, body)
			}
			if n := b.count("translation_edits", "1=1") - before; n != 3 {
				t.Errorf("confirm stored %d edits, want 3", n)
			}
			if n := b.count("audit_log", "action = 'translation.import'"); n != 1 {
				t.Errorf("import audit rows = %d", n)
			}
			if got, _ := cat.Text(locales.Amharic, "common.help", nil); got != fixed {
				t.Errorf("imported text not applied: %q", got)
			}
			if got, _ := cat.Text(locales.Amharic, "common.idle_restart", nil); got == "የቆየ" {
				t.Error("the stale row was applied")
			}
			if _, page := tr.get(Path + "/translate/am/messages/common.no_more"); strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;") {
				t.Error("the message page does not show the imported script as text")
			}
			// The next export carries the review and keeps the formula inert.
			_, again := tr.exportCSV("am")
			if !bytes.Contains(again, []byte(`'=cmd|`)) {
				t.Error("the re-export does not escape the formula")
			}
			_, rows2, err := locales.ReadCSV(bytes.NewReader(again))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows2 {
				switch r.ID {
				case "common.help":
					if r.Review != locales.ReviewReviewed || r.Reviewer != "Tigist" || r.ReviewedAt == "" || r.Translation != fixed {
						t.Errorf("round trip: %+v", r)
					}
				case "common.disclaimer":
					if r.Translation != formula {
						t.Errorf("round trip of the formula: %q", r.Translation)
					}
				}
			}
			// Refused whole, nothing stored.
			before = b.count("translation_edits", "1=1")
			korean := bytes.Replace(edited, []byte("translation (am)"), []byte("translation (ko)"), 1)
			bad := bytes.Replace(edited, []byte(fixed), []byte("{{.ref}} "+fixed), 1)
			for name, c := range map[string]struct {
				file []byte
				want string
			}{
				"korean":    {korean, "it is for Korean"},
				"template":  {bad, "nothing changed. Fix these"},
				"latin-1":   {[]byte("id,English,translation (am),review status,source hash\r\ncommon.help,Help,caf\xe9,draft,x\r\n"), "not UTF-8"},
				"xlsx":      {[]byte("PK\x03\x04\x14\x00\x00\x00"), "not UTF-8"},
				"no header": {[]byte("common.help,Help,x,draft\r\n"), "the first line has no"},
				"empty":     {[]byte("\ufeff"), "empty"},
			} {
				status, body := tr.upload("am", c.file)
				if status != http.StatusBadRequest || !strings.Contains(body, c.want) || !strings.Contains(body, "nothing changed") {
					t.Errorf("%s: %d, want 400 saying %q\n%s", name, status, c.want, body)
				}
			}
			if after := b.count("translation_edits", "1=1"); after != before {
				t.Errorf("refused files stored %d edits", after-before)
			}
			// A preview that went out of date: someone saves a message the
			// file changes; the confirm shows the new plan and saves nothing.
			for i := range rows2 {
				if rows2[i].ID == "common.disclaimer" {
					rows2[i].Translation = "ማስታወሻ፦ መረጃ ብቻ።"
				}
			}
			status, body = tr.upload("am", writeCSV(t, locales.Amharic, rows2))
			if status != http.StatusOK {
				t.Fatalf("preview: %d", status)
			}
			tr.post(Path+"/translate/am/messages/common.disclaimer", url.Values{"text": {"ሌላ ጽሑፍ"}, "action": {"save"}})
			before = b.count("translation_edits", "1=1")
			status, body = tr.confirmImport("am", body)
			if status != http.StatusConflict || !strings.Contains(body, "changed since the preview") {
				t.Errorf("out-of-date confirm: %d\n%s", status, body)
			}
			if after := b.count("translation_edits", "1=1"); after != before {
				t.Errorf("an out-of-date confirm stored %d edits", after-before)
			}
			// Another language is not the translator's, for export or import.
			if resp, _ := tr.exportCSV("es"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("export es: %d", resp.StatusCode)
			}
			if status, _ := tr.upload("es", file); status != http.StatusNotFound {
				t.Errorf("import into es: %d", status)
			}
		})
	}
}
