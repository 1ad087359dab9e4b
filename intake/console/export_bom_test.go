package console

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/store/storetest"
)

// TestCSVForSpreadsheets: ?bom=1 starts both exports with a UTF-8 byte
// order mark (so Excel reads Korean, Chinese and Amharic right) and CRLF
// lines; the plain export has neither; both parse to the same records.
func TestCSVForSpreadsheets(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	ko := b.addReport("ko", "DC-KKKK-01", "dc-ohr", "집주인", "housing")
	if _, err := b.store.DB().ExecContext(t.Context(), "UPDATE reports SET lang = 'ko' WHERE id = $1", ko.ID); err != nil {
		t.Fatal(err)
	}
	dc := b.login("dc")
	for _, path := range []string{Path + "/export.csv", fmt.Sprintf("%s/reports/%d/export.csv", Path, ko.ID)} {
		_, plain := dc.get(path)
		_, excel := dc.get(path + "?bom=1")
		if strings.HasPrefix(plain, utf8BOM) || strings.Contains(plain, "\r\n") {
			t.Errorf("%s: the plain CSV has a BOM or CRLF", path)
		}
		if !strings.HasPrefix(excel, "\xef\xbb\xbf") || !strings.Contains(excel, "\r\n") {
			t.Errorf("%s?bom=1 does not start with the UTF-8 BOM and use CRLF", path)
		}
		a, err1 := csv.NewReader(strings.NewReader(plain)).ReadAll()
		e, err2 := csv.NewReader(strings.NewReader(strings.TrimPrefix(excel, utf8BOM))).ReadAll()
		if err1 != nil || err2 != nil || fmt.Sprint(a) != fmt.Sprint(e) || !strings.Contains(excel, "집주인") {
			t.Errorf("%s: the two files differ (%v, %v)", path, err1, err2)
		}
	}
	admin := b.login("admin")
	admin.get(Path + "/commissions")
	if s, _, _ := admin.post(Path+"/commissions/dc-ohr/public-stats", url.Values{"public": {"1"}}); s != http.StatusSeeOther {
		t.Fatalf("publish statistics: %d", s)
	}
	if pub, err := b.store.PublicStatsCommissions(t.Context()); err != nil || len(pub) != 1 || pub[0].ID != "dc-ohr" {
		t.Errorf("published commissions = %v, %v", pub, err)
	}
	if s, _, _ := dc.post(Path+"/commissions/dc-ohr/public-stats", url.Values{"public": {"0"}}); s != http.StatusNotFound {
		t.Errorf("staff turning statistics off: %d, want 404", s)
	}
}
