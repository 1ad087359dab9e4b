package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestSettingsTimeZoneAndLabels: a member's time zone changes the dates
// every page shows, an unknown zone or language is a 400 and nothing is
// saved, and the change is audited.
func TestSettingsTimeZoneAndLabels(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, _ *store.Store) {
		t.Parallel()
		b := setup(t, t.Name()[strings.LastIndex(t.Name(), "/")+1:])
		c := b.login("dc")
		page := Path + "/reports/" + strconv.FormatInt(b.reports["dc"].ID, 10)
		_, body := c.get(page)
		utc := b.reports["dc"].CreatedAt.UTC().Format("2006-01-02 15:04 UTC")
		if !strings.Contains(body, utc) {
			t.Fatalf("before: report page lacks %q", utc)
		}
		c.get(Path + "/settings")
		for _, bad := range []url.Values{{"tz": {"Mars/Olympus_Mons"}}, {"tz": {"Local"}}, {"lang": {"xx"}}} {
			if status, _, _ := c.post(Path+"/settings", bad); status != http.StatusBadRequest {
				t.Errorf("settings %v: %d, want 400", bad, status)
			}
		}
		if status, loc, _ := c.post(Path+"/settings", url.Values{"tz": {"Pacific/Honolulu"}, "lang": {"es"}}); status != http.StatusSeeOther || !strings.Contains(loc, "done=settings") {
			t.Fatalf("save settings: %d %q", status, loc)
		}
		st, err := b.store.StaffByID(t.Context(), b.staff["dc"].ID)
		if err != nil || st.TimeZone != "Pacific/Honolulu" || st.Lang != "es" {
			t.Fatalf("stored settings %q %q, %v", st.TimeZone, st.Lang, err)
		}
		hnl, _ := time.LoadLocation("Pacific/Honolulu")
		_, body = c.get(page)
		want := b.reports["dc"].CreatedAt.In(hnl).Format("2006-01-02 15:04 HST")
		if !strings.Contains(body, want) || strings.Contains(body, utc) {
			t.Errorf("after: report page should show %q, not %q", want, utc)
		}
		if !strings.Contains(body, "Vivienda") {
			t.Errorf("with Spanish labels the category housing should read Vivienda")
		}
		if n := b.count("audit_log", "action = 'staff.settings' AND staff_id = $1", b.staff["dc"].ID); n != 1 {
			t.Errorf("settings audited %d times, want 1", n)
		}
	})
}
