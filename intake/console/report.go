package console

import (
	"context"
	"net/http"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// reportPage is the data of the report template.
type reportPage struct {
	R              store.Report
	CommissionName string
	Assignee       string
	// Transcript is the report's own intake conversation, nothing else
	// the contact ever wrote.
	Transcript []store.Message
	// Media are the photos and documents sent during it (media.go).
	Media []mediaItem
	// Consents is the report's consent ledger.
	Consents   []store.Consent
	Notes      []store.ReportNote
	Events     []store.ReportEvent
	Assignable []store.Staff
	// Next lists the statuses the workflow allows from here.
	Next []option
	// Updates are the templates staff may send, each with its English
	// text; SendLang is the language they go out in.
	Updates  []updateOption
	SendLang string
	// CanNotify is false when the resident asked not to be contacted.
	CanNotify bool
	// StatusUpdateText is what each status change would tell the
	// resident, by target status: in English and in their language.
	StatusUpdateText map[string]residentText
	// Moves are the open statuses the report may move to; CanClose and
	// CanReopen offer the close and reopen forms.
	Moves               []option
	CanClose, CanReopen bool
	CloseReasons        []option
	CloseLabel          string
	// Blocked says why no update can reach the resident now ("": they
	// can be reached).
	Blocked string
	// Deliveries are the updates queued about the report; FailedCount
	// of them will not arrive.
	Deliveries  []store.Delivery
	FailedCount int
	// DuplicateOf is the report this one repeats; Duplicates repeat it.
	DuplicateOf *store.Report
	Duplicates  []store.QueueItem
	// Pattern counts the other reports naming the same respondent.
	Pattern *respondentPattern
	// Reachable names the kinds of channel the person who filed the
	// report is on (linked contacts, store.PersonContacts), never an
	// address; read in the view's audited transaction.
	Reachable []string
}

// residentText is an update as the resident reads it, and in English.
// Note says how it goes when its channel sends it other than as written
// (a WhatsApp template); Refused why it cannot go now.
type residentText struct{ English, Resident, Note, Refused string }

// updateOption is one resident update staff may send.
type updateOption struct {
	ID      string
	English string
	// Note and Refused: as residentText's.
	Note, Refused string
	// Error is set when the template cannot be rendered for this report
	// (it is then not offered).
	Error string
}

// report shows one report: the answers, the original text, the messages
// of the intake that filed it (never the contact's other messages),
// routing, deadline, notes and history. The view is audited
// in the same transaction that reads the report, before the page is sent.
func (c *Console) report(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	rep, err := c.readReport(r, s, "report.view", "")
	if err != nil {
		return err
	}
	page := reportPage{R: rep, SendLang: c.langLabel(rep.Lang), CanNotify: canNotify(rep), StatusUpdateText: map[string]residentText{},
		CloseLabel: closeLabel(rep.CloseCode)}
	err = c.store.InTx(ctx, func(tx *store.Tx) error {
		page.Blocked = c.undeliverable(r, tx, rep)
		page.Reachable, err = reachable(ctx, tx, rep)
		return err
	})
	if err != nil {
		return err
	}
	page.CanNotify = page.Blocked == ""
	if page.Deliveries, err = c.store.ReportDeliveries(ctx, rep.ID); err != nil {
		return err
	}
	for _, d := range page.Deliveries {
		if d.Failed() {
			page.FailedCount++
		}
	}
	if rep.DuplicateOf != 0 {
		if orig, err := c.store.ReportByID(ctx, rep.DuplicateOf); err == nil && visible(s.Staff, orig) {
			page.DuplicateOf = &orig
		}
	}
	if dups, err := c.store.DuplicatesOf(ctx, rep.ID); err != nil {
		return err
	} else {
		for _, d := range dups {
			if store.InScope(scopeOf(s.Staff), d.CommissionID) {
				page.Duplicates = append(page.Duplicates, d)
			}
		}
	}
	if page.Pattern, err = c.pattern(r, s, rep); err != nil {
		return err
	}
	for _, code := range store.CloseCodes {
		page.CloseReasons = append(page.CloseReasons, option{code, closeLabel(code)})
	}
	if rep.CommissionID == "" {
		page.CommissionName = "Default queue (no commission)"
	} else if cm, err := c.store.CommissionByID(ctx, rep.CommissionID); err == nil {
		page.CommissionName = cm.Name
	} else {
		page.CommissionName = rep.CommissionID
	}
	if page.Transcript, err = c.store.ReportTranscript(ctx, rep); err != nil {
		return err
	}
	if page.Media, err = c.reportMedia(r, rep); err != nil {
		return err
	}
	if page.Consents, err = c.store.ReportConsents(ctx, rep); err != nil {
		return err
	}
	if page.Notes, err = c.store.ReportNotes(ctx, rep.ID); err != nil {
		return err
	}
	if page.Events, err = c.store.ReportEvents(ctx, rep.ID); err != nil {
		return err
	}
	if page.Assignable, err = c.store.AssignableStaff(ctx, rep.CommissionID); err != nil {
		return err
	}
	for _, st := range page.Assignable {
		if st.ID == rep.AssignedTo {
			page.Assignee = displayName(st)
		}
	}
	for _, to := range transitions[rep.Status] {
		page.Next = append(page.Next, option{to, statusLabel(to)})
		switch {
		case to == store.ReportClosed:
			page.CanClose = true
		case rep.Status == store.ReportClosed:
			page.CanReopen = true
		default:
			page.Moves = append(page.Moves, option{to, statusLabel(to)})
		}
		var t residentText
		if t.English, err = c.cfg.Preview(rep, locales.English, statusTemplate(to)); err != nil {
			continue
		}
		if t.Resident, err = c.cfg.Preview(rep, locales.Lang(rep.Lang), statusTemplate(to)); err != nil || t.Resident == t.English {
			t.Resident = ""
		}
		page.StatusUpdateText[to] = t
	}
	for _, id := range c.cfg.UpdateTemplates {
		text, err := c.cfg.Preview(rep, locales.English, id)
		if err != nil {
			c.log.Warn("console: update template does not render", "template", id, "err", err)
			continue
		}
		page.Updates = append(page.Updates, updateOption{ID: id, English: text})
	}
	if c.cfg.SendNote != nil && page.Blocked == "" {
		err = c.store.InTx(ctx, func(tx *store.Tx) error {
			for to, t := range page.StatusUpdateText {
				t.Note, t.Refused = c.cfg.SendNote(ctx, tx, rep, statusTemplate(to))
				page.StatusUpdateText[to] = t
			}
			for i, u := range page.Updates {
				page.Updates[i].Note, page.Updates[i].Refused = c.cfg.SendNote(ctx, tx, rep, u.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	c.render(w, r, s, http.StatusOK, "report", page)
	return nil
}

// canNotify reports whether the resident can be sent an update: they
// agreed to be contacted, and gave a number if they chose another one.
func canNotify(r store.Report) bool {
	switch r.ContactMethod {
	case store.ContactThis:
		return true
	case store.ContactOther:
		return r.ContactPhone != ""
	}
	return false
}

// reachable lists the kinds of channel (SMS, Discord …) of the person who
// filed rep: their contact and the contacts linked with it, oldest first,
// each once, an opted-out one marked. Never an address: staff see none.
func reachable(ctx context.Context, tx *store.Tx, rep store.Report) ([]string, error) {
	cs, err := tx.PersonContacts(ctx, rep.ContactID)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for _, c := range cs {
		if c.Channel == store.ErasedChannel {
			continue
		}
		label := channelLabel(c.Channel)
		if c.OptedOut {
			label += " (opted out)"
		}
		if !seen[label] {
			seen[label] = true
			out = append(out, label)
		}
	}
	return out, nil
}
