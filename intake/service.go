package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Service stores reports, answers STATUS and sends staff updates. It is
// safe for concurrent use.
type Service struct {
	store   *store.Store
	cat     *locales.Catalog
	routing *Routing
	// ChannelOn says whether this service sends on a channel ("sms",
	// "discord" …); updates for a channel that is off are refused
	// (ErrUndeliverable) rather than left waiting. nil: every channel.
	ChannelOn func(channel string) bool
	// Planners say, by channel, how an update will go on a channel that
	// restricts what may be sent (WhatsApp outside its 24-hour window
	// takes only approved templates); channels without one send the text
	// as is.
	Planners map[string]SendPlanner
}

// SendPlanner says how an update rendering t goes to contact `to` now,
// inside tx: a note for staff ("" when it goes as written), or an
// *UndeliverableError saying why it cannot be sent (nothing is then
// queued).
type SendPlanner func(ctx context.Context, tx *store.Tx, to store.Contact, t store.OutboundTemplate) (note string, err error)

// NewService returns a Service over st that renders with cat and routes
// with the embedded routing data.
func NewService(st *store.Store, cat *locales.Catalog) *Service {
	return &Service{store: st, cat: cat, routing: routing}
}

// maxNarrative bounds the stored narrative whatever the flow's limit, so
// an edited flow file cannot let one report grow without end.
const maxNarrative = 4000

// HandleEvent implements bot.EventHandler: on EventReportSubmitted it
// stores the report in tx, the step's own transaction, so the report is
// committed before the confirmation that carries its reference is sent.
// Other events are ignored. A reference already taken returns
// ErrReferenceTaken (nothing stored; run the step again).
//
// EventIntakeStarted records the message being handled as the start of
// the intake; EventIntakeDiscarded (declined, cancelled) erases the
// intake's messages at once. A filed report records its intake's range of
// messages, the only ones staff see with it.
func (s *Service) HandleEvent(ctx context.Context, tx *store.Tx, c store.Contact, channel string, ev flows.Event) error {
	switch ev.Type {
	case EventIntakeStarted:
		return tx.BeginIntake(ctx, c.ID)
	case EventIntakeDiscarded:
		_, err := tx.EraseIntake(ctx, c.ID)
		return err
	case flows.EventReportSubmitted:
	default:
		return nil
	}
	r, err := s.reportFromVars(c, channel, ev.Vars)
	if err != nil {
		return err
	}
	first, last, ok, err := tx.FinishIntake(ctx, c.ID)
	if err != nil {
		return err
	}
	if ok {
		r.FirstMessageID, r.LastMessageID = first, last
	}
	if cm, ok := s.routing.Commission(r.CommissionID); ok {
		// The report refers to its commission's row. Seeding at start-up
		// creates it; making sure here means a missed or failed seed can
		// never cost a resident their report.
		row, err := s.routing.commissionRow(cm)
		if err != nil {
			return err
		}
		if err := tx.UpsertCommission(ctx, row); err != nil {
			return err
		}
	}
	if err := tx.InsertReport(ctx, &r); err != nil {
		if errors.Is(err, store.ErrDuplicate) {
			return ErrReferenceTaken
		}
		return err
	}
	if ok {
		// The photos and documents sent during the intake go with it.
		if _, err := tx.AttachIntakeMedia(ctx, c.ID, first, r.ID); err != nil {
			return err
		}
	}
	return s.recordConsents(ctx, tx, c, channel, r)
}

// recordConsents writes what the resident agreed to in the intake into the
// consent ledger, with the exact text they were shown: sharing the report
// with the commission (intake.ask.consent) and being contacted about it
// (intake.ask.contact; declined when they chose "never contact me").
func (s *Service) recordConsents(ctx context.Context, tx *store.Tx, c store.Contact, channel string, r store.Report) error {
	lang, _ := s.cat.ParseLang(r.Lang)
	for _, e := range []struct {
		kind, textID string
		granted      bool
	}{
		{store.ConsentShareReport, "intake.ask.consent", r.Consent},
		{store.ConsentTexts, "intake.ask.contact", r.ContactMethod != store.ContactNone},
	} {
		text, err := s.cat.Text(lang, e.textID, nil)
		if err != nil {
			return err
		}
		if err := tx.RecordConsent(ctx, &store.Consent{ContactID: c.ID, ReportID: r.ID, Kind: e.kind, Granted: e.granted,
			Channel: channel, TextID: e.textID, TextLang: string(lang), TextVersion: store.TextVersion(text)}); err != nil {
			return err
		}
	}
	return nil
}

// ErrIncompleteReport is returned when a submitted report lacks its
// reference or category: the flow file and this package disagree.
var ErrIncompleteReport = errors.New("intake: submitted report lacks reference or category")

// reportFromVars builds the stored report from the conversation's answers,
// routing it again from the same data the confirmation was built from.
func (s *Service) reportFromVars(c store.Contact, channel string, v map[string]string) (store.Report, error) {
	ref, category := v[VarRef], v[VarCategory]
	if ref == "" || !ValidCategory(category) {
		return store.Report{}, ErrIncompleteReport
	}
	lang := v[VarLang]
	if _, ok := s.cat.ParseLang(lang); !ok {
		lang = c.Lang
	}
	if _, ok := s.cat.ParseLang(lang); !ok {
		lang = string(locales.English)
	}
	d := s.routing.Route(v[VarJurisdiction], category)
	incident := v[VarIncidentDate]
	if incident == flows.ValueUnknown {
		incident = ""
	}
	deadline, deadlineRule := d.Deadline(incident)
	reason := d.Reason
	if deadlineRule != "" {
		reason += " Deadline: " + deadlineRule + "."
	}
	method := v[VarContactMethod]
	switch method {
	case store.ContactThis, store.ContactOther, store.ContactNone:
	default:
		method = store.ContactNone // never contact someone who did not say how
	}
	trait := v[VarTrait]
	if !traitApplies(category) {
		trait = ""
	}
	r := store.Report{
		Reference: ref, ContactID: c.ID, Channel: channel, Lang: lang, Category: category,
		Narrative:    locales.Truncate(v[VarNarrative], maxNarrative, locales.Runes),
		IncidentDate: incident, IncidentDateRaw: v[VarIncidentDate],
		ZIP: v[VarZIP], Jurisdiction: v[VarJurisdiction],
		RespondentType: v[VarRespondentType], RespondentName: v[VarRespondentName], ProtectedTrait: trait,
		ContactMethod: method, SafeTimes: v[VarSafeTimes],
		Consent:      v[VarConsent] == flows.ValueYes,
		CommissionID: d.CommissionID, RouteRule: d.Rule, RouteReason: reason, Referral: d.Referral,
		Deadline: deadline, Status: store.ReportNew,
	}
	if method == store.ContactOther {
		r.ContactPhone = v[VarContactPhone]
	}
	if method == store.ContactNone {
		r.SafeTimes = ""
	}
	if !r.Consent {
		// The flow never submits without consent; refuse rather than
		// file something the resident did not agree to share.
		return store.Report{}, ErrConsentMissing
	}
	return r, nil
}

// ErrConsentMissing is returned for a submitted report without the
// resident's consent to share it: such a report is never stored.
var ErrConsentMissing = errors.New("intake: report submitted without consent to share")

// SeedCommissions copies the commissions of the routing data file into the
// database, inserting new ones and updating the descriptive fields of
// existing ones (never their active flag). It is idempotent: call it at
// every start-up.
func SeedCommissions(ctx context.Context, st *store.Store) error {
	return st.InTx(ctx, func(tx *store.Tx) error {
		for _, c := range routing.Commissions {
			row, err := routing.commissionRow(c)
			if err != nil {
				return err
			}
			if err := tx.UpsertCommission(ctx, row); err != nil {
				return err
			}
		}
		return nil
	})
}

// commissionRow is the stored form of a commission: its deadlines as
// JSON objects {id, days, years, rule}.
func (r *Routing) commissionRow(c Commission) (store.Commission, error) {
	dls := make([]DeadlineRule, 0, len(c.Deadlines))
	for _, id := range c.Deadlines {
		dls = append(dls, r.deadlines[id])
	}
	buf, err := json.Marshal(dls)
	if err != nil {
		return store.Commission{}, fmt.Errorf("intake: commission %s deadlines: %w", c.ID, err)
	}
	return store.Commission{
		ID: c.ID, Name: c.Name, Jurisdiction: c.Jurisdiction, Contact: c.Contact,
		Languages: strings.Join(c.Languages, ","), DeadlinesJSON: string(buf), Active: true,
	}, nil
}
