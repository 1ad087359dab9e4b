package console

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rightsline/rightsline/store"
)

// queuePageSize is how many reports one queue page shows.
const queuePageSize = 50

// queuePage is the data of the queue template.
type queuePage struct {
	Items []queueRow
	// Filter values as chosen, for the form.
	Status, Category, Lang, Due, Commission string
	Statuses, Categories, Langs             []option
	DueWindows, Commissions                 []option
	// Next is the URL of the next page; empty on the last.
	Next string
	// ExportURL downloads the same scope as CSV; ExcelURL the same with a
	// UTF-8 byte order mark, for spreadsheets.
	ExportURL, ExcelURL string
	// Search is what was typed in the search box; Searched says the list
	// is the reports naming that respondent.
	Search   string
	Searched bool
	// ByKey says the list is one respondent's, from a link (RespondentKey).
	ByKey         bool
	RespondentKey string
}

// queueRow is one report in the list.
type queueRow struct {
	store.QueueItem
	Assignee string
}

// option is one choice of a filter.
type option struct{ Value, Label string }

// dueWindows are the deadline filters, in days from today ("overdue":
// deadline before today).
var dueWindows = []option{
	{"", "Any deadline"}, {"overdue", "Overdue"}, {"7", "Within 7 days"}, {"30", "Within 30 days"}, {"90", "Within 90 days"},
}

var cursorRE = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})~(\d{1,19})$`)

// queue lists the reports the member may see, most urgent first, with
// filters and keyset pagination ("after" carries the last row's sort key).
func (c *Console) queue(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	q := r.URL.Query()
	scope, err := requestedScope(s.Staff, q.Get("commission"))
	if err != nil {
		return err
	}
	f := store.QueueFilter{Scope: scope, Status: q.Get("status"), Category: q.Get("category"), Lang: q.Get("lang"), Limit: queuePageSize + 1}
	if f.Status == "" {
		f.Status = "open"
	}
	if _, ok := statusLabels[f.Status]; !ok && f.Status != "open" && f.Status != "all" {
		return errorf(EINVALID, "Unknown status filter.")
	}
	today := c.labelerFor(&s.Staff).today(c.now())
	switch due := q.Get("due"); due {
	case "":
	case "overdue":
		f.DeadlineBy = today.AddDate(0, 0, -1).Format(time.DateOnly)
	default:
		n, err := strconv.Atoi(due)
		if err != nil || n < 0 || n > 3660 {
			return errorf(EINVALID, "Unknown deadline filter.")
		}
		f.DeadlineBy = today.AddDate(0, 0, n).Format(time.DateOnly)
	}
	if after := q.Get("after"); after != "" {
		m := cursorRE.FindStringSubmatch(after)
		if m == nil {
			return errorf(EINVALID, "Bad page link.")
		}
		f.AfterKey = m[1]
		f.AfterID, _ = strconv.ParseInt(m[2], 10, 64)
	}
	search := strings.TrimSpace(q.Get("q"))
	if len(search) > 200 {
		return errorf(EINVALID, "Search for a reference or a respondent's name of at most 200 characters.")
	}
	if search != "" && q.Get("after") == "" {
		// A reference goes straight to its report (whose view is
		// audited there); anything else is a respondent's name.
		if it, err := c.store.FindReport(ctx, scope, search); err == nil {
			http.Redirect(w, r, reportURL(it.ID), http.StatusSeeOther)
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	if rk := q.Get("rk"); rk != "" && search == "" {
		// A link from a report page or the Patterns page: the respondent
		// by key, so the name never travels in a URL.
		if !respondentKeyRE.MatchString(rk) {
			return errorf(EINVALID, "Bad respondent link.")
		}
		f.RespondentKey = rk
	}
	if search != "" {
		if f.RespondentKey = c.store.RespondentKey(search); f.RespondentKey == "" {
			return errorf(EINVALID, "Type a report's reference (such as PGH-WCT3-8M) or a respondent's name.")
		}
	}
	items, err := c.store.ConsoleQueue(ctx, f)
	if err != nil {
		return err
	}
	if f.RespondentKey != "" {
		// Who looked for which respondent is audited, never the name.
		err := c.store.InTx(ctx, func(tx *store.Tx) error {
			return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: "search.respondent",
				Detail: "respondent " + f.RespondentKey[:12] + ", " + strconv.Itoa(min(len(items), queuePageSize)) + " shown", IP: s.IP})
		})
		if err != nil {
			return err
		}
	}
	page := queuePage{
		Status: f.Status, Category: f.Category, Lang: f.Lang, Due: q.Get("due"), Commission: q.Get("commission"),
		DueWindows: dueWindows, Search: search, Searched: search != "", ByKey: f.RespondentKey != "" && search == "", RespondentKey: q.Get("rk"),
	}
	if len(items) > queuePageSize {
		items = items[:queuePageSize]
		last := items[len(items)-1]
		next := url.Values{}
		for k, v := range q {
			if k != "after" && k != "done" {
				next[k] = v
			}
		}
		next.Set("after", last.UrgencyKey()+"~"+strconv.FormatInt(last.ID, 10))
		page.Next = Path + "/reports?" + next.Encode()
	}
	names, err := c.staffNames(r)
	if err != nil {
		return err
	}
	for _, it := range items {
		page.Items = append(page.Items, queueRow{QueueItem: it, Assignee: names[it.AssignedTo]})
	}
	page.Statuses = []option{{"open", "Open (not closed)"}, {"all", "All"}}
	for _, st := range []string{store.ReportNew, store.ReportInReview, store.ReportAccepted, store.ReportReferred, store.ReportClosed} {
		page.Statuses = append(page.Statuses, option{st, statusLabel(st)})
	}
	page.Categories = []option{{"", "All categories"}}
	lab := c.labelerFor(&s.Staff)
	for _, cat := range c.cfg.Categories {
		page.Categories = append(page.Categories, option{cat, lab.label("category", cat)})
	}
	page.Langs = []option{{"", "All languages"}}
	for _, l := range c.langOrder() {
		page.Langs = append(page.Langs, option{l, c.langLabel(l)})
	}
	if s.Staff.IsAdmin() {
		page.Commissions, err = c.commissionOptions(r)
		if err != nil {
			return err
		}
	}
	exp := url.Values{}
	if page.Commission != "" {
		exp.Set("commission", page.Commission)
	}
	page.ExportURL = Path + "/export.csv"
	if len(exp) > 0 {
		page.ExportURL += "?" + exp.Encode()
	}
	exp.Set("bom", "1")
	page.ExcelURL = Path + "/export.csv?" + exp.Encode()
	c.render(w, r, s, http.StatusOK, "queue", page)
	return nil
}

// langOrder is the order languages are offered in filters: the language
// menu's, from the same language data as the runtime (the catalog's
// locales/languages.toml, a language added there included).
func (c *Console) langOrder() []string {
	out := make([]string, 0, len(c.labels.Langs()))
	for _, l := range c.labels.Langs() {
		out = append(out, string(l))
	}
	return out
}

// langLabel is langLabel from the console's catalog.
func (c *Console) langLabel(s string) string { return langLabelIn(c.labels, s) }

// staffNames maps staff ids to a short display name, for "assigned to".
func (c *Console) staffNames(r *http.Request) (map[int64]string, error) {
	all, err := c.store.ListStaff(r.Context())
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, st := range all {
		names[st.ID] = displayName(st)
	}
	return names, nil
}

// displayName is a member's name, or their email's local part.
func displayName(st store.Staff) string {
	if strings.TrimSpace(st.Name) != "" {
		return st.Name
	}
	local, _, _ := strings.Cut(st.Email, "@")
	return local
}

// commissionOptions lists the admin's commission filter choices.
func (c *Console) commissionOptions(r *http.Request) ([]option, error) {
	comms, err := c.store.Commissions(r.Context())
	if err != nil {
		return nil, err
	}
	out := []option{{"", "All commissions"}, {defaultQueueParam, "Default queue (no commission)"}}
	for _, cm := range comms {
		out = append(out, option{cm.ID, cm.Name})
	}
	return out, nil
}
