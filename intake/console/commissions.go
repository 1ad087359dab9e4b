package console

import (
	"net/http"

	"github.com/rightsline/rightsline/store"
)

// commissionsPage is the data of the commissions template.
type commissionsPage struct {
	Commissions []store.Commission
}

// commissionList shows every commission and whether it takes reports.
func (c *Console) commissionList(w http.ResponseWriter, r *http.Request, s *session) error {
	comms, err := c.store.Commissions(r.Context())
	if err != nil {
		return err
	}
	c.render(w, r, s, http.StatusOK, "commissions", commissionsPage{Commissions: comms})
	return nil
}

// setCommissionActive opens or closes a commission to new reports.
func (c *Console) setCommissionActive(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	id := r.PathValue("id")
	active := r.PostFormValue("active") == "1"
	err := c.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetCommissionActive(ctx, id, active); err != nil {
			return err
		}
		action := "commission.close"
		if active {
			action = "commission.open"
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: action, Detail: id, IP: c.clientIP(r)})
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, Path+"/commissions?done=comm", http.StatusSeeOther)
	return nil
}
