package console

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rightsline/rightsline/store"
)

// setStatus moves a report along the workflow. The status change, its
// history event, the audit entry and the resident's update (unless they
// asked not to be contacted, or staff unticked "notify") commit together.
func (c *Console) setStatus(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	to := r.PostFormValue("status")
	from := r.PostFormValue("from")
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	notify := r.PostFormValue("notify") == "1"
	var rep store.Report
	err := c.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		rep, err = loadReport(ctx, tx, r, s)
		if err != nil {
			return err
		}
		if from != "" && from != rep.Status {
			return store.ErrStatusChanged
		}
		if !canMove(rep.Status, to) {
			return errorf(EINVALID, "A report that is %s cannot become %s.", statusLabel(rep.Status), statusLabel(to))
		}
		if to == store.ReportClosed && reason == "" {
			return errorf(EINVALID, "Say why the report is closed.")
		}
		if to != store.ReportClosed {
			reason = ""
		}
		if utf8.RuneCountInString(reason) > maxCloseReason {
			return errorf(EINVALID, "The close reason may be at most %d characters.", maxCloseReason)
		}
		if err := tx.SetReportStatus(ctx, rep.ID, rep.Status, to, reason); err != nil {
			return err
		}
		fromStatus := rep.Status
		rep.Status, rep.CloseReason = to, reason
		if err := tx.InsertReportEvent(ctx, &store.ReportEvent{ReportID: rep.ID, StaffID: s.Staff.ID, Kind: store.EventStatus,
			FromStatus: fromStatus, ToStatus: to, Detail: reason}); err != nil {
			return err
		}
		if err := auditReport(ctx, tx, r, s, "report.status", rep.ID, fromStatus+" -> "+to); err != nil {
			return err
		}
		if notify && canNotify(rep) {
			return c.notify(ctx, tx, r, s, rep, statusTemplate(to))
		}
		return nil
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, reportURL(rep.ID)+"?done=status", http.StatusSeeOther)
	return nil
}

// reportURL is the page of a report.
func reportURL(id int64) string { return Path + "/reports/" + strconv.FormatInt(id, 10) }
