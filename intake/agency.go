package intake

import (
	"fmt"
	"strings"
	"time"

	"github.com/rightsline/rightsline/locales"
)

// AgencyMessageID is the catalog message holding an agency's name in each
// language ("agency.dc-ohr"); routing.yaml keeps the English name for
// staff and the database.
func AgencyMessageID(id string) string { return "agency." + id }

// soonDays is how close to the time limit a filing counts as nearly
// overdue: the confirmation then says so plainly.
const soonDays = 30

// agencyRef is an agency a resident can contact themselves: a commission
// or a referral agency.
type agencyRef struct {
	id, name, contact, reviewed string
	// short names it by its abbreviation, when its name was just said.
	short bool
}

// filingAgency is whom a resident files with directly: the referral agency
// when the rule names one (Oregon BOLI beside Eugene's city office), else
// the commission whose queue holds the report.
func (r *Routing) filingAgency(d Decision) (agencyRef, bool) {
	if f, ok := r.Referral(d.Referral); ok {
		return agencyRef{id: f.ID, name: f.Name, contact: f.Contact, reviewed: f.Reviewed}, true
	}
	if c, ok := r.Commission(d.CommissionID); ok {
		return agencyRef{id: c.ID, name: c.Name, contact: c.Contact, reviewed: c.Reviewed}, true
	}
	return agencyRef{}, false
}

// agencyName is the agency's name in l, or its English name when the
// catalog has no translation.
func agencyName(cat *locales.Catalog, l locales.Lang, id, english string) (string, error) {
	if !cat.Has(AgencyMessageID(id)) {
		return english, nil
	}
	return cat.Text(l, AgencyMessageID(id), nil)
}

// agencyWithContact renders "name, contact (as of 2026-11)" in l: every
// phone number and web address carries the month it was checked. An
// agency with no verified contact is named alone.
func agencyWithContact(cat *locales.Catalog, l locales.Lang, a agencyRef) (string, error) {
	name, err := agencyName(cat, l, a.id, a.name)
	if err != nil {
		return "", err
	}
	if a.short {
		name = abbreviation(name)
	}
	if a.contact == "" {
		return name, nil
	}
	return cat.Text(l, "intake.agency.contact", map[string]string{"name": name, "contact": a.contact, "reviewed": a.reviewed})
}

// abbreviation is the short name an agency's name ends with in brackets
// ("DC Office of Human Rights (OHR)" → "OHR"; every language keeps it, as
// residents see it on the agency's own pages), else the whole name.
func abbreviation(name string) string {
	if !strings.HasSuffix(name, ")") {
		return name
	}
	i := strings.LastIndexByte(name, '(')
	if i < 0 || i+1 >= len(name)-1 || strings.ContainsAny(name[i+1:len(name)-1], " ,") {
		return name // no abbreviation ("HUD (federal housing department)")
	}
	return name[i+1 : len(name)-1]
}

// filingLine tells the resident that the report is not a complaint and
// that the agency's time limit keeps running: the date to file by when the
// incident date is known (plainly when it has passed or is near), else the
// limit itself. It returns "" when no agency and no limit apply.
func (a *actions) filingLine(cat *locales.Catalog, l locales.Lang, d Decision, incident string, now time.Time) (string, error) {
	ag, ok := a.cfg.Routing.filingAgency(d)
	if !ok {
		return "", nil
	}
	if ag.id == d.CommissionID {
		// The confirmation has just named the commission whose queue
		// holds the report: its abbreviation says who, with the contact.
		ag.short = true
	}
	who, err := agencyWithContact(cat, l, ag)
	if err != nil {
		return "", err
	}
	if len(d.Deadlines) == 0 {
		return cat.Text(l, "intake.file.direct", map[string]string{"agency": who})
	}
	if date, _ := d.Deadline(incident); date != "" {
		due, _ := time.Parse(time.DateOnly, date)
		today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		id := "intake.file.by"
		switch {
		case due.Before(today):
			id = "intake.file.late"
		case due.Sub(today) <= soonDays*24*time.Hour:
			id = "intake.file.soon"
		}
		return cat.Text(l, id, map[string]string{"agency": who, "date": date})
	}
	limit, err := cat.Text(l, limitMessageID(shortestLimit(d.Deadlines)), nil)
	if err != nil {
		return "", err
	}
	return cat.Text(l, "intake.file.within", map[string]string{"agency": who, "limit": limit})
}

// shortestLimit is the limit that runs out first, whatever the date.
func shortestLimit(dls []DeadlineRule) DeadlineRule {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	best := dls[0]
	for _, dl := range dls[1:] {
		if dl.From(base).Before(best.From(base)) {
			best = dl
		}
	}
	return best
}

// limitMessageID names a time limit in words: "intake.limit.180d",
// "intake.limit.1y".
func limitMessageID(dl DeadlineRule) string {
	if dl.Years > 0 && dl.Days == 0 {
		return fmt.Sprintf("intake.limit.%dy", dl.Years)
	}
	return fmt.Sprintf("intake.limit.%dd", dl.Days+365*dl.Years)
}
