package console

import (
	"context"
	"net/http"
	"slices"

	"github.com/rightsline/rightsline/store"
)

// sendUpdate queues one of the pre-translated updates to the resident, in
// their language, on the channel they used.
func (c *Console) sendUpdate(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	id := r.PostFormValue("template")
	var rep store.Report
	err := c.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		rep, err = loadReport(ctx, tx, r, s)
		if err != nil {
			return err
		}
		if !slices.Contains(c.cfg.UpdateTemplates, id) {
			return errorf(EINVALID, "Choose one of the listed updates.")
		}
		if why := c.undeliverable(r, tx, rep); why != "" {
			return errorf(EINVALID, "No update was queued: it cannot be delivered (%s).", why)
		}
		if why := c.refusal(ctx, tx, rep, id); why != "" {
			return errorf(EINVALID, "No update was queued: %s.", why)
		}
		return c.notify(ctx, tx, r, s, rep, id)
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, reportURL(rep.ID)+"?done=update", http.StatusSeeOther)
	return nil
}

// notify queues the update templateID for rep's resident inside tx and
// records it in the report's history and the audit log.
func (c *Console) notify(ctx context.Context, tx *store.Tx, r *http.Request, s *session, rep store.Report, templateID string) error {
	if err := c.cfg.Notify(ctx, tx, rep, templateID); err != nil {
		return err
	}
	detail := templateID + " (" + rep.Lang + ", " + rep.Channel + ")"
	if err := tx.InsertReportEvent(ctx, &store.ReportEvent{ReportID: rep.ID, StaffID: s.Staff.ID, Kind: store.EventUpdate, Detail: detail}); err != nil {
		return err
	}
	return auditReport(ctx, tx, r, s, "report.update", rep.ID, detail)
}

// refusal is why update templateID about rep cannot go now on its
// channel ("" when it can): SendNote's refusal.
func (c *Console) refusal(ctx context.Context, tx *store.Tx, rep store.Report, templateID string) string {
	if c.cfg.SendNote == nil {
		return ""
	}
	_, why := c.cfg.SendNote(ctx, tx, rep, templateID)
	return why
}
