package console

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rightsline/rightsline/store"
)

// maxNoteLength bounds an internal note, in characters.
const maxNoteLength = 8000

// addNote adds an internal note, seen only by staff who can see the report.
func (c *Console) addNote(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	body := strings.TrimSpace(r.PostFormValue("body"))
	var rep store.Report
	err := c.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		rep, err = loadReport(ctx, tx, r, s)
		if err != nil {
			return err
		}
		if body == "" {
			return errorf(EINVALID, "The note is empty.")
		}
		if utf8.RuneCountInString(body) > maxNoteLength || !utf8.ValidString(body) {
			return errorf(EINVALID, "A note may be at most %d characters of text.", maxNoteLength)
		}
		n := store.ReportNote{ReportID: rep.ID, StaffID: s.Staff.ID, Body: body}
		if err := tx.InsertReportNote(ctx, &n); err != nil {
			return err
		}
		return auditReport(ctx, tx, r, s, "report.note", rep.ID, "note "+strconv.FormatInt(n.ID, 10))
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, reportURL(rep.ID)+"?done=note", http.StatusSeeOther)
	return nil
}
