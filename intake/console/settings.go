package console

import (
	"net/http"
	"time"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// settingsPage is the data of the settings template.
type settingsPage struct {
	TimeZone, Lang string
	TimeZones      []option
	Langs          []option
	Now            string
}

// settings shows the member's own settings: the time zone dates are shown
// in and the language codes are labelled in.
func (c *Console) settings(w http.ResponseWriter, r *http.Request, s *session) error {
	page := settingsPage{TimeZone: s.Staff.TimeZone, Lang: s.Staff.Lang, TimeZones: timeZones,
		Now: c.labelerFor(&s.Staff).when(c.now())}
	known := false
	for _, z := range timeZones {
		known = known || z.Value == s.Staff.TimeZone
	}
	if !known {
		page.TimeZones = append([]option{{s.Staff.TimeZone, s.Staff.TimeZone}}, timeZones...)
	}
	page.Langs = []option{{"", "English (default)"}}
	for _, l := range c.langOrder() {
		if l != string(locales.English) {
			page.Langs = append(page.Langs, option{l, c.langLabel(l)})
		}
	}
	c.render(w, r, s, http.StatusOK, "settings", page)
	return nil
}

// saveSettings stores the member's time zone and label language. A zone
// must be an IANA name the zone database knows; a language one of the
// catalog's.
func (c *Console) saveSettings(w http.ResponseWriter, r *http.Request, s *session) error {
	tz, lang := r.PostFormValue("tz"), r.PostFormValue("lang")
	if len(tz) > 64 {
		return errorf(EINVALID, "Unknown time zone.")
	}
	if tz != "" {
		if _, err := time.LoadLocation(tz); err != nil || tz == "Local" {
			return errorf(EINVALID, "Unknown time zone %q: use a name such as America/New_York.", tz)
		}
	}
	if lang != "" {
		if _, ok := c.labels.Language(locales.Lang(lang)); !ok {
			return errorf(EINVALID, "Unknown language.")
		}
	}
	ctx := r.Context()
	err := c.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetStaffPreferences(ctx, s.Staff.ID, tz, lang); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: "staff.settings", Detail: "time zone " + orUTC(tz) + ", labels " + orEnglish(lang), IP: s.IP})
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, Path+"/settings?done=settings", http.StatusSeeOther)
	return nil
}

func orUTC(tz string) string {
	if tz == "" {
		return "UTC"
	}
	return tz
}

func orEnglish(l string) string {
	if l == "" {
		return "en"
	}
	return l
}
