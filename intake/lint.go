package intake

import (
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/intake/jurisdiction"
)

// LintSamples are the conversation variables lint renders the flows with
// (flows.Engine.SentMessages), so the SMS it budgets are the ones residents
// get: every jurisdiction with every category, a ZIP, a named respondent
// and contact answers, and the incident dates that change the
// confirmation (recent, near a 180-day limit, past a year, not known).
// now is the lint's clock.
func LintSamples(now time.Time) []flows.Sample {
	dates := []struct{ name, date string }{
		{"recent", now.AddDate(0, 0, -10).Format(time.DateOnly)},
		{"near 180 days", now.AddDate(0, 0, -170).Format(time.DateOnly)},
		{"past a year", now.AddDate(0, 0, -400).Format(time.DateOnly)},
		{"unknown", flows.ValueUnknown},
	}
	var out []flows.Sample
	for _, j := range jurisdiction.All() {
		for _, c := range Categories {
			for _, d := range dates {
				out = append(out, flows.Sample{
					Name: j.ID + ", " + c + ", date " + d.name,
					Vars: map[string]string{
						VarJurisdiction: j.ID, VarZIP: "20001", VarCategory: c, VarIncidentDate: d.date,
						VarRespondentType: "landlord", VarRespondentName: "Acme Property Management",
						VarContactMethod: "other", VarContactPhone: "(202) 555-0100", VarSafeTimes: "weekdays after 6pm",
						VarConsent: flows.ValueYes,
						// The confirmation then counts ten attachments.
						flows.VarMediaCount: "10",
					},
				})
			}
		}
	}
	return out
}
