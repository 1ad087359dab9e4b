package console

import (
	"net/http"

	"github.com/rightsline/rightsline/store"
)

// commissionsPage is the data of the commissions template.
type commissionsPage struct {
	Commissions []store.Commission
	// Public lists the commissions that publish statistics, by id.
	Public map[string]bool
}

// commissionList shows every commission and whether it takes reports.
func (c *Console) commissionList(w http.ResponseWriter, r *http.Request, s *session) error {
	comms, err := c.store.Commissions(r.Context())
	if err != nil {
		return err
	}
	pub, err := c.store.PublicStatsCommissions(r.Context())
	if err != nil {
		return err
	}
	page := commissionsPage{Commissions: comms, Public: map[string]bool{}}
	for _, p := range pub {
		page.Public[p.ID] = true
	}
	c.render(w, r, s, http.StatusOK, "commissions", page)
	return nil
}

// setCommissionPublicStats turns a commission's public statistics
// (/stats/{id}) on or off: an admin's decision for the commission.
func (c *Console) setCommissionPublicStats(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	id := r.PathValue("id")
	on := r.PostFormValue("public") == "1"
	err := c.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetCommissionPublicStats(ctx, id, on); err != nil {
			return err
		}
		action := "commission.stats.off"
		if on {
			action = "commission.stats.on"
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: action, Detail: id, IP: c.clientIP(r)})
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, Path+"/commissions?done=comm", http.StatusSeeOther)
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
