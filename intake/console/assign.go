package console

import (
	"net/http"
	"strconv"

	"github.com/rightsline/rightsline/store"
)

// assign gives a report to a member of its commission or an admin ("0"
// unassigns). Anyone else is refused: assigning must not show a report to
// another commission.
func (c *Console) assign(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	to, err := strconv.ParseInt(r.PostFormValue("staff"), 10, 64)
	if err != nil || to < 0 {
		return errorf(EINVALID, "Choose who the report is assigned to.")
	}
	var rep store.Report
	err = c.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		rep, err = loadReport(ctx, tx, r, s)
		if err != nil {
			return err
		}
		detail := "unassigned"
		if to != 0 {
			who, err := tx.StaffByID(ctx, to)
			if err != nil || !who.Active || (!who.IsAdmin() && (rep.CommissionID == "" || who.CommissionID != rep.CommissionID)) {
				return errorf(EINVALID, "That person cannot be assigned this report.")
			}
			detail = "to " + store.StaffRef(who.ID)
		}
		if err := tx.AssignReport(ctx, rep.ID, to); err != nil {
			return err
		}
		if err := tx.InsertReportEvent(ctx, &store.ReportEvent{ReportID: rep.ID, StaffID: s.Staff.ID, Kind: store.EventAssign, Detail: detail}); err != nil {
			return err
		}
		return auditReport(ctx, tx, r, s, "report.assign", rep.ID, detail)
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, reportURL(rep.ID)+"?done=assign", http.StatusSeeOther)
	return nil
}
