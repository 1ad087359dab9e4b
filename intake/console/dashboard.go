package console

import (
	"net/http"
	"time"

	"github.com/rightsline/rightsline/store"
)

// dashboardWeeks is how many weeks the dashboard charts cover.
const dashboardWeeks = 12

// dashboardPage is the data of the dashboard template.
type dashboardPage struct {
	Weeks      int
	Total      int
	Charts     []chart
	Commission string
	// Commissions is the admin's scope choice; empty for staff.
	Commissions []option
}

// dashboard charts the reports the member may see over the last twelve
// weeks, by category, status and language, as server-drawn SVG.
func (c *Console) dashboard(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	param := r.URL.Query().Get("commission")
	scope, err := requestedScope(s.Staff, param)
	if err != nil {
		return err
	}
	// Weeks start on Monday, in the member's time zone's calendar; the
	// last one is the current week.
	lab := c.labelerFor(&s.Staff)
	today := lab.today(c.now())
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	start := monday.AddDate(0, 0, -7*(dashboardWeeks-1))
	counts, err := c.store.DashboardCounts(ctx, scope, start)
	if err != nil {
		return err
	}
	periods := make([]string, dashboardWeeks)
	for i := range periods {
		periods[i] = start.AddDate(0, 0, 7*i).Format(time.DateOnly)
	}
	weekOf := func(day string) int {
		d, err := time.Parse(time.DateOnly, day)
		if err != nil {
			return -1
		}
		i := int(d.Sub(start).Hours() / 24 / 7)
		if i < 0 || i >= dashboardWeeks {
			return -1
		}
		return i
	}
	type dim struct {
		title string
		known []string
		key   func(store.DashboardCount) string
		label func(string) string
	}
	dims := []dim{
		{"Reports by category", c.cfg.Categories, func(d store.DashboardCount) string { return d.Category }, func(s string) string { return lab.label("category", s) }},
		{"Reports by status", []string{store.ReportNew, store.ReportInReview, store.ReportAccepted, store.ReportReferred, store.ReportClosed},
			func(d store.DashboardCount) string { return d.Status }, statusLabel},
		{"Reports by language", c.langOrder(), func(d store.DashboardCount) string { return d.Lang }, c.langLabel},
	}
	page := dashboardPage{Weeks: dashboardWeeks, Commission: param}
	for _, d := range counts {
		if weekOf(d.Day) >= 0 {
			page.Total += d.N
		}
	}
	for _, dm := range dims {
		byKey := map[string][]int{}
		totals := map[string]int{}
		for _, d := range counts {
			i := weekOf(d.Day)
			if i < 0 {
				continue
			}
			k := dm.key(d)
			if byKey[k] == nil {
				byKey[k] = make([]int, dashboardWeeks)
			}
			byKey[k][i] += d.N
			totals[k] += d.N
		}
		order := seriesOrder(dm.known, totals)
		labelled := map[string][]int{}
		names := make([]string, len(order))
		for i, k := range order {
			names[i] = dm.label(k)
			labelled[names[i]] = byKey[k]
		}
		page.Charts = append(page.Charts, stackedChart(dm.title, periods, names, labelled))
	}
	if s.Staff.IsAdmin() {
		if page.Commissions, err = c.commissionOptions(r); err != nil {
			return err
		}
	}
	c.render(w, r, s, http.StatusOK, "dashboard", page)
	return nil
}
