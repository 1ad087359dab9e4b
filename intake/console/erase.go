package console

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/rightsline/rightsline/store"
)

// maxEraseReason bounds the reason an admin gives for an erasure.
const maxEraseReason = 300

// erasePerson is an admin's erase action on a report page: the person who
// filed it is erased on every channel (store.Tx.ErasePerson: their open
// reports withdrawn, accepted ones kept without them), with the reason and
// counts audited, never what was erased. On SQLite the WAL is then
// truncated.
func (c *Console) erasePerson(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	var rep store.Report
	err := c.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if rep, err = loadReport(ctx, tx, r, s); err != nil {
			return err
		}
		if reason == "" || utf8.RuneCountInString(reason) > maxEraseReason || !utf8.ValidString(reason) {
			return errorf(EINVALID, "Give the reason for the erasure (at most %d characters).", maxEraseReason)
		}
		person, err := tx.ReportContact(ctx, rep.ID)
		if err != nil {
			return err
		}
		if person.Channel == store.ErasedChannel {
			return errorf(EINVALID, "The person who filed this report was erased already.")
		}
		res, err := tx.ErasePerson(ctx, person.ID, 0)
		if err != nil {
			return err
		}
		return auditReport(ctx, tx, r, s, "person.erase", rep.ID, "by an admin, reason: "+reason+"; "+res.String())
	})
	if err != nil {
		return err
	}
	if err := c.store.Compact(ctx); err != nil {
		c.log.Warn("console: compact after erasure", "err", err)
	}
	http.Redirect(w, r, reportURL(rep.ID)+"?done=erase", http.StatusSeeOther)
	return nil
}
