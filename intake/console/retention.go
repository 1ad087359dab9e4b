package console

import "net/http"

// retentionPage shows the retention schedule in force.
type retentionPage struct{ Rules []string }

func (c *Console) retention(w http.ResponseWriter, r *http.Request, s *session) error {
	c.render(w, r, s, http.StatusOK, "retention", retentionPage{Rules: c.cfg.Retention.Rules()})
	return nil
}
