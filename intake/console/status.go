package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rightsline/rightsline/store"
)

// setStatus moves a report along the workflow: a move between open
// statuses, a close from any open status with a coded reason (a duplicate
// names the report it repeats, by reference), or a reopen of a closed
// report with a reason. The change, its history event, the audit entry and
// the resident's update (unless staff withheld it) commit together; an
// update that could not be delivered refuses the whole change with the
// reason, before anything is queued.
func (c *Console) setStatus(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	to := r.PostFormValue("status")
	from := r.PostFormValue("from")
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	code := r.PostFormValue("close_code")
	dupRef := strings.TrimSpace(r.PostFormValue("duplicate_of"))
	notify := r.PostFormValue("notify") == "1"
	if utf8.RuneCountInString(reason) > maxCloseReason {
		return errorf(EINVALID, "The reason may be at most %d characters.", maxCloseReason)
	}
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
		fromStatus := rep.Status
		detail := ""
		switch {
		case to == store.ReportClosed:
			if _, ok := closeLabels[code]; !ok {
				return errorf(EINVALID, "Say why the report is closed.")
			}
			var dup int64
			if code == store.CloseDuplicate {
				if dup, err = c.duplicateTarget(r, tx, s, rep, dupRef); err != nil {
					return err
				}
			}
			if err := tx.CloseReport(ctx, rep.ID, rep.Status, code, reason, dup); err != nil {
				return err
			}
			rep.Status, rep.CloseCode, rep.CloseReason, rep.DuplicateOf = to, code, reason, dup
			detail = closeLabel(code)
			if dup != 0 {
				detail += " " + dupRef
			}
		case fromStatus == store.ReportClosed:
			if reason == "" {
				return errorf(EINVALID, "Say why the report is reopened.")
			}
			if err := tx.ReopenReport(ctx, rep.ID); err != nil {
				return err
			}
			rep.Status, rep.CloseCode, rep.CloseReason, rep.DuplicateOf = to, "", "", 0
			detail = "reopened"
		default:
			if err := tx.SetReportStatus(ctx, rep.ID, rep.Status, to, ""); err != nil {
				return err
			}
			rep.Status = to
		}
		if reason != "" {
			detail = strings.TrimSpace(detail + ": " + reason)
		}
		if err := tx.InsertReportEvent(ctx, &store.ReportEvent{ReportID: rep.ID, StaffID: s.Staff.ID, Kind: store.EventStatus,
			FromStatus: fromStatus, ToStatus: to, Detail: detail}); err != nil {
			return err
		}
		auditDetail := fromStatus + " -> " + to
		if code != "" && to == store.ReportClosed {
			auditDetail += " (" + code + ")"
		}
		if err := auditReport(ctx, tx, r, s, "report.status", rep.ID, auditDetail); err != nil {
			return err
		}
		if !notify || !canNotify(rep) {
			// Staff withheld the update, or the resident asked never to
			// be contacted (the form then offers none).
			return nil
		}
		if why := c.undeliverable(r, tx, rep); why != "" {
			return errorf(EINVALID, "The status was not changed: the update to the resident cannot be delivered (%s). Untick “tell the resident” to change it without an update.", why)
		}
		if why := c.refusal(ctx, tx, rep, statusTemplate(to)); why != "" {
			return errorf(EINVALID, "The status was not changed: %s. Untick “tell the resident” to change it without an update.", why)
		}
		return c.notify(ctx, tx, r, s, rep, statusTemplate(to))
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, reportURL(rep.ID)+"?done=status", http.StatusSeeOther)
	return nil
}

// duplicateTarget finds the report rep repeats, by the reference staff
// typed: one they may see, other than rep, and not itself closed as a
// duplicate (links point at the original, never along a chain).
func (c *Console) duplicateTarget(r *http.Request, tx *store.Tx, s *session, rep store.Report, typed string) (int64, error) {
	ctx := r.Context()
	if typed == "" {
		return 0, errorf(EINVALID, "Give the reference of the report this one repeats.")
	}
	ref := store.CompactReference(typed)
	if ref == "" {
		return 0, errorf(EINVALID, "%q is not a report reference.", typed)
	}
	it, err := tx.FindReport(ctx, scopeOf(s.Staff), typed)
	if errors.Is(err, store.ErrNotFound) {
		return 0, errorf(EINVALID, "No report of yours has the reference %q.", typed)
	}
	if err != nil {
		return 0, err
	}
	if it.ID == rep.ID {
		return 0, errorf(EINVALID, "A report cannot be a duplicate of itself.")
	}
	orig, err := tx.ReportByID(ctx, it.ID)
	if err != nil {
		return 0, err
	}
	if orig.DuplicateOf != 0 {
		return 0, errorf(EINVALID, "%s is itself a duplicate; link to the report it repeats.", orig.Reference)
	}
	return it.ID, nil
}

// undeliverable says why an update about rep could not reach the
// resident now ("" when it can).
func (c *Console) undeliverable(r *http.Request, tx *store.Tx, rep store.Report) string {
	if !canNotify(rep) {
		return "the resident asked not to be contacted, or left no number"
	}
	if c.cfg.Deliverable == nil {
		return ""
	}
	return c.cfg.Deliverable(r.Context(), tx, rep)
}

// reportURL is the page of a report.
func reportURL(id int64) string { return Path + "/reports/" + strconv.FormatInt(id, 10) }
