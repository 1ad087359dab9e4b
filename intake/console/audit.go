package console

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rightsline/rightsline/store"
)

// auditPageSize is how many audit entries one page shows.
const auditPageSize = 100

// auditPage is the data of the audit template.
type auditPage struct {
	Entries []store.AuditEntry
	// Report and Staff are the filters as typed.
	Report, Staff string
	// NotFound says what a filter named does not exist.
	NotFound string
	Next     string
}

// auditLog shows the audit log to admins, newest first, optionally for one
// report (?report= its reference, as typed, or its number) and one staff
// member (?staff= their e-mail), paged by id.
func (c *Console) auditLog(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := store.AuditFilter{Limit: auditPageSize + 1}
	var err error
	if v := q.Get("before"); v != "" {
		if f.BeforeID, err = strconv.ParseInt(v, 10, 64); err != nil || f.BeforeID < 0 {
			return errorf(EINVALID, "Bad page link.")
		}
	}
	page := auditPage{Report: strings.TrimSpace(q.Get("report")), Staff: strings.TrimSpace(q.Get("staff"))}
	if len(page.Report) > 40 || len(page.Staff) > 254 {
		return errorf(EINVALID, "A filter is a report's reference or number, or a staff member's e-mail.")
	}
	if v := page.Report; v != "" {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			f.ReportID = id
		} else if it, err := c.store.FindReport(ctx, store.ScopeAll, v); err == nil {
			f.ReportID = it.ID
		} else if errors.Is(err, store.ErrNotFound) {
			page.NotFound = "No report has the reference or number “" + v + "”."
		} else {
			return err
		}
	}
	if v := page.Staff; v != "" && page.NotFound == "" {
		if st, err := c.store.StaffByEmail(ctx, v); err == nil {
			f.StaffID = st.ID
		} else if errors.Is(err, store.ErrNotFound) {
			page.NotFound = "No staff member has the e-mail “" + v + "”."
		} else {
			return err
		}
	}
	if page.NotFound == "" {
		if page.Entries, err = c.store.AuditSearch(ctx, f); err != nil {
			return err
		}
	}
	if len(page.Entries) > auditPageSize {
		page.Entries = page.Entries[:auditPageSize]
		next := url.Values{"before": {strconv.FormatInt(page.Entries[auditPageSize-1].ID, 10)}}
		if page.Report != "" {
			next.Set("report", page.Report)
		}
		if page.Staff != "" {
			next.Set("staff", page.Staff)
		}
		page.Next = Path + "/audit?" + next.Encode()
	}
	status := http.StatusOK
	if page.NotFound != "" {
		status = http.StatusNotFound
	}
	c.render(w, r, s, status, "audit", page)
	return nil
}
