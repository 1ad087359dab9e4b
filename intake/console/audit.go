package console

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/rightsline/rightsline/store"
)

// auditPageSize is how many audit entries one page shows.
const auditPageSize = 100

// auditPage is the data of the audit template.
type auditPage struct {
	Entries []store.AuditEntry
	Report  string
	Next    string
}

// auditLog shows the audit log to admins, newest first, optionally for one
// report (?report=ID), paged by id.
func (c *Console) auditLog(w http.ResponseWriter, r *http.Request, s *session) error {
	q := r.URL.Query()
	var before, report int64
	var err error
	if v := q.Get("before"); v != "" {
		if before, err = strconv.ParseInt(v, 10, 64); err != nil || before < 0 {
			return errorf(EINVALID, "Bad page link.")
		}
	}
	if v := q.Get("report"); v != "" {
		if report, err = strconv.ParseInt(v, 10, 64); err != nil || report < 0 {
			return errorf(EINVALID, "A report filter is a report number.")
		}
	}
	entries, err := c.store.AuditPage(r.Context(), before, report, auditPageSize+1)
	if err != nil {
		return err
	}
	page := auditPage{Entries: entries, Report: q.Get("report")}
	if len(entries) > auditPageSize {
		page.Entries = entries[:auditPageSize]
		next := url.Values{"before": {strconv.FormatInt(page.Entries[auditPageSize-1].ID, 10)}}
		if report != 0 {
			next.Set("report", strconv.FormatInt(report, 10))
		}
		page.Next = Path + "/audit?" + next.Encode()
	}
	c.render(w, r, s, http.StatusOK, "audit", page)
	return nil
}
