package intake

import (
	"context"
	"errors"
	"fmt"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Update templates staff may send a resident, each a message in every
// language (locales/intake.*.toml). The console offers these IDs.
const (
	UpdateInReview    = "update.status.in_review"
	UpdateAccepted    = "update.status.accepted"
	UpdateReferred    = "update.status.referred"
	UpdateClosed      = "update.status.closed"
	UpdateRequestInfo = "update.request_info"
	UpdateGeneral     = "update.general"
)

// UpdateTemplates lists the update templates in the order the console
// shows them.
var UpdateTemplates = []string{UpdateInReview, UpdateAccepted, UpdateReferred, UpdateClosed, UpdateRequestInfo, UpdateGeneral}

// StatusUpdateTemplate returns the template announcing a status, if any
// ("new" has none).
func StatusUpdateTemplate(status string) (string, bool) {
	switch status {
	case store.ReportInReview:
		return UpdateInReview, true
	case store.ReportAccepted:
		return UpdateAccepted, true
	case store.ReportReferred:
		return UpdateReferred, true
	case store.ReportClosed:
		return UpdateClosed, true
	}
	return "", false
}

// Errors of NotifyResident.
var (
	// ErrNoContact: the resident asked not to be contacted about the report.
	ErrNoContact = errors.New("intake: the resident asked not to be contacted")
	// ErrUnknownTemplate: templateID is not one of UpdateTemplates.
	ErrUnknownTemplate = errors.New("intake: unknown update template")
)

// NotifyResident renders an update template in the report's language and
// enqueues it in tx for the way the resident chose: the channel and address
// the report came from ("this"), or SMS to the other number they gave
// ("other"). It returns ErrNoContact when they chose no contact; staff
// must then not reach out; and an *UndeliverableError (ErrUndeliverable)
// when the update could never arrive (see Deliverable), queueing nothing. The message is sent only if tx commits, with
// the status change it announces. It never includes the narrative.
//
// The row also names the message it renders (store.OutboundTemplate: the
// update's id, language and variables, or the discreet notice), so a
// channel that may not send free text at the time (WhatsApp outside its
// 24-hour window) can send the approved template configured for it.
func (s *Service) NotifyResident(ctx context.Context, tx *store.Tx, report store.Report, templateID string) error {
	body, tmpl, err := s.renderUpdate(report, locales.Lang(report.Lang), templateID)
	if err != nil {
		return err
	}
	to, err := s.recipient(ctx, tx, report, true)
	if err != nil {
		return err
	}
	discreet := body
	if discreet, err = s.discreetBody(ctx, tx, to, locales.Lang(report.Lang), body); err != nil {
		return err
	}
	if discreet != body {
		tmpl = &store.OutboundTemplate{ID: MsgDiscreetNotice, Lang: tmpl.Lang}
	}
	if plan := s.Planners[to.Channel]; plan != nil {
		if _, err := plan(ctx, tx, to, *tmpl); err != nil {
			return err
		}
	}
	_, err = tx.EnqueueOutbound(ctx, &store.Outbound{Channel: to.Channel, ContactID: to.ID, Address: to.Address, Body: discreet, ReportID: report.ID, Template: tmpl})
	return err
}

// RenderUpdate renders update templateID for report in language l (the
// report's own language when l is not supported), exactly as
// NotifyResident sends it: the console shows staff this preview.
func (s *Service) RenderUpdate(report store.Report, l locales.Lang, templateID string) (string, error) {
	body, _, err := s.renderUpdate(report, l, templateID)
	return body, err
}

// renderUpdate is RenderUpdate with the message it rendered: the update's
// id, the language and the variables.
func (s *Service) renderUpdate(report store.Report, l locales.Lang, templateID string) (string, *store.OutboundTemplate, error) {
	known := false
	for _, t := range UpdateTemplates {
		known = known || t == templateID
	}
	if !known {
		return "", nil, fmt.Errorf("%w: %q", ErrUnknownTemplate, templateID)
	}
	lang, ok := s.cat.ParseLang(string(l))
	if !ok {
		if lang, ok = s.cat.ParseLang(report.Lang); !ok {
			lang = locales.English
		}
	}
	queue, err := s.queueName(lang, report.CommissionID)
	if err != nil {
		return "", nil, err
	}
	vars := map[string]string{"ref": report.Reference, "commission": queue}
	body, err := s.cat.Text(lang, templateID, vars)
	if err != nil {
		return "", nil, err
	}
	return body, &store.OutboundTemplate{ID: templateID, Lang: string(lang), Vars: vars}, nil
}

func (s *Service) queueName(lang locales.Lang, commissionID string) (string, error) {
	return queueName(s.cat, s.routing, lang, commissionID)
}

// SendNote says how update templateID about report would go now: a note
// for staff when its channel sends it other than as written (a WhatsApp
// template outside the 24-hour window), or why it cannot be sent. Both
// are "" for an update that goes as written, or one Deliverable refuses
// anyway (the console says that separately). Nothing is queued.
func (s *Service) SendNote(ctx context.Context, tx *store.Tx, report store.Report, templateID string) (note, refusal string) {
	_, tmpl, err := s.renderUpdate(report, locales.Lang(report.Lang), templateID)
	if err != nil {
		return "", ""
	}
	to, err := s.recipient(ctx, tx, report, false)
	plan := s.Planners[to.Channel]
	if err != nil || plan == nil || to.ID == 0 {
		return "", ""
	}
	if on, err := tx.ContactDiscreet(ctx, to.ID); err != nil {
		return "", "the resident's contact could not be checked (" + err.Error() + ")"
	} else if on {
		tmpl = &store.OutboundTemplate{ID: MsgDiscreetNotice, Lang: tmpl.Lang}
	}
	note, err = plan(ctx, tx, to, *tmpl)
	var ue *UndeliverableError
	switch {
	case errors.As(err, &ue):
		return "", ue.Reason
	case err != nil:
		return "", "the resident's contact could not be checked (" + err.Error() + ")"
	}
	return note, ""
}
