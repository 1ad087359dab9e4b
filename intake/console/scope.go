package console

import (
	"context"
	"net/http"
	"strconv"

	"github.com/rightsline/rightsline/store"
)

// defaultQueueParam names the default queue (reports routed to no
// commission) in the admin's commission filter.
const defaultQueueParam = "default"

// scopeOf is the store scope of what a member may see: everything for an
// admin, their commission for staff.
func scopeOf(st store.Staff) string {
	if st.IsAdmin() {
		return store.ScopeAll
	}
	return st.CommissionID
}

// requestedScope narrows the member's scope by the "commission" query
// parameter. Staff asking for another commission get errNotFound, as for
// its reports.
func requestedScope(st store.Staff, param string) (string, error) {
	switch {
	case param == "":
		return scopeOf(st), nil
	case st.IsAdmin() && param == defaultQueueParam:
		return store.ScopeDefaultQueue, nil
	case st.IsAdmin():
		return param, nil
	case param == st.CommissionID:
		return param, nil
	}
	return "", errNotFound
}

// visible reports whether st may see report r: admins see all, staff only
// their commission's (never the default queue).
func visible(st store.Staff, r store.Report) bool {
	if st.IsAdmin() {
		return true
	}
	return r.CommissionID != "" && r.CommissionID == st.CommissionID
}

// reportID parses the {id} path value; anything but a positive integer is
// a page that does not exist.
func reportID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// loadReport reads the report of the request's {id} inside tx and checks
// that the member may see it. A report of another commission is
// errNotFound, exactly like a report that does not exist: the answer
// reveals nothing about other commissions' work.
func loadReport(ctx context.Context, tx *store.Tx, r *http.Request, s *session) (store.Report, error) {
	id, err := reportID(r)
	if err != nil {
		return store.Report{}, err
	}
	rep, err := tx.ReportByID(ctx, id)
	if err != nil {
		return store.Report{}, err
	}
	if !visible(s.Staff, rep) {
		return store.Report{}, errNotFound
	}
	return rep, nil
}

// readReport reads the request's report for viewing and records the read
// in the audit log, in one transaction: no report is read unaudited.
func (c *Console) readReport(r *http.Request, s *session, action, detail string) (store.Report, error) {
	ctx := r.Context()
	var rep store.Report
	err := c.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if rep, err = loadReport(ctx, tx, r, s); err != nil {
			return err
		}
		return auditReport(ctx, tx, r, s, action, rep.ID, detail)
	})
	return rep, err
}

// auditReport writes the audit entry of an action on a report in tx.
func auditReport(ctx context.Context, tx *store.Tx, r *http.Request, s *session, action string, reportID int64, detail string) error {
	return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: action, ReportID: reportID, Detail: detail, IP: s.IP})
}
