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
func (s *Service) NotifyResident(ctx context.Context, tx *store.Tx, report store.Report, templateID string) error {
	body, err := s.RenderUpdate(report, locales.Lang(report.Lang), templateID)
	if err != nil {
		return err
	}
	to, err := s.recipient(ctx, tx, report, true)
	if err != nil {
		return err
	}
	if body, err = s.discreetBody(ctx, tx, to, locales.Lang(report.Lang), body); err != nil {
		return err
	}
	_, err = tx.EnqueueOutbound(ctx, &store.Outbound{Channel: to.Channel, ContactID: to.ID, Address: to.Address, Body: body, ReportID: report.ID})
	return err
}

// RenderUpdate renders update templateID for report in language l (the
// report's own language when l is not supported), exactly as
// NotifyResident sends it: the console shows staff this preview.
func (s *Service) RenderUpdate(report store.Report, l locales.Lang, templateID string) (string, error) {
	known := false
	for _, t := range UpdateTemplates {
		known = known || t == templateID
	}
	if !known {
		return "", fmt.Errorf("%w: %q", ErrUnknownTemplate, templateID)
	}
	lang, ok := s.cat.ParseLang(string(l))
	if !ok {
		if lang, ok = s.cat.ParseLang(report.Lang); !ok {
			lang = locales.English
		}
	}
	queue, err := s.queueName(lang, report.CommissionID)
	if err != nil {
		return "", err
	}
	return s.cat.Text(lang, templateID, map[string]string{"ref": report.Reference, "commission": queue})
}

func (s *Service) queueName(lang locales.Lang, commissionID string) (string, error) {
	return queueName(s.cat, s.routing, lang, commissionID)
}
