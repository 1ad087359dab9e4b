package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Report statuses, in workflow order: new → in_review → accepted or
// referred → closed.
const (
	ReportNew      = "new"
	ReportInReview = "in_review"
	ReportAccepted = "accepted"
	ReportReferred = "referred"
	ReportClosed   = "closed"
)

// Contact methods a resident can choose for a report.
const (
	ContactThis  = "this"  // the address the report came from
	ContactOther = "other" // ContactPhone
	ContactNone  = "none"  // never contact me
)

// Report is one intake report as stored. Its narrative, respondent name,
// contact phone and safe times are personal data: never log them.
type Report struct {
	// ID is the store's id, set by InsertReport.
	ID int64
	// Reference is the short code the resident reads aloud ("DC-7KQ2-9D").
	// Unique; InsertReport returns ErrDuplicate if it is taken.
	Reference string
	// ContactID is the contact who filed it; Channel and Lang are the
	// channel and language they filed in, which updates go back through.
	ContactID int64
	Channel   string
	Lang      string
	// Category is a category slug (housing, homelessness, employment,
	// public-place, government, other).
	Category  string
	Narrative string
	// IncidentDate is 'YYYY-MM-DD', or "" when unknown (stored as NULL).
	// IncidentDateRaw is the date answer as the flow read it: the date, or
	// "unknown" when the resident did not know; their own words ("last
	// week") are in the conversation's transcript.
	IncidentDate    string
	IncidentDateRaw string
	ZIP             string
	Jurisdiction    string
	RespondentType  string
	RespondentName  string
	ProtectedTrait  string
	// ContactMethod is ContactThis, ContactOther or ContactNone.
	ContactMethod string
	ContactPhone  string
	SafeTimes     string
	// Consent is true when the resident agreed to share the report with
	// the commission.
	Consent bool
	// CommissionID is the commission the report was routed to, or "" for
	// the default queue (stored as NULL).
	CommissionID string
	// RouteRule names the routing rule that matched; RouteReason explains
	// it to staff; Referral names the federal agency suggested, if any.
	RouteRule   string
	RouteReason string
	Referral    string
	// Deadline is the filing deadline 'YYYY-MM-DD', or "" when it cannot be
	// computed (stored as NULL).
	Deadline string
	// Status is one of ReportNew … ReportClosed; CloseReason is set when
	// closed.
	Status      string
	CloseReason string
	// AssignedTo is the staff user id, 0 when unassigned (NULL).
	AssignedTo int64
	// CreatedAt and UpdatedAt are UTC, to the microsecond.
	CreatedAt, UpdatedAt time.Time
	// FirstMessageID and LastMessageID bound the intake conversation that
	// filed the report: its first message and the inbound message that
	// confirmed it (whose replies belong to it too). Staff see only these
	// messages ([Store.ReportTranscript]). 0 for reports filed before the
	// range was recorded, which show no messages.
	FirstMessageID, LastMessageID int64
	// CloseCode is why a closed report was closed (one of the Close*
	// codes; "" for reports closed before codes, whose CloseReason says
	// it). DuplicateOf is the report it repeats when CloseCode is
	// CloseDuplicate (0 otherwise).
	CloseCode   string
	DuplicateOf int64
}

// scanReport reads the columns of the Report* queries, in order.
// The narrative, respondent name, contact phone and safe times are sealed
// at rest and opened here.
func scanReport(k *Keys, row interface{ Scan(...any) error }) (Report, error) {
	var r Report
	var assigned sql.NullInt64
	err := row.Scan(&r.ID, &r.Reference, &r.ContactID, &r.Channel, &r.Lang, &r.Category, &r.Narrative,
		&r.IncidentDate, &r.IncidentDateRaw, &r.ZIP, &r.Jurisdiction,
		&r.RespondentType, &r.RespondentName, &r.ProtectedTrait,
		&r.ContactMethod, &r.ContactPhone, &r.SafeTimes, &r.Consent,
		&r.CommissionID, &r.RouteRule, &r.RouteReason, &r.Referral, &r.Deadline,
		&r.Status, &r.CloseReason, &assigned, timeDest{&r.CreatedAt}, timeDest{&r.UpdatedAt},
		&r.FirstMessageID, &r.LastMessageID, &r.CloseCode, &r.DuplicateOf)
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, ErrNotFound
	}
	if err != nil {
		return Report{}, err
	}
	r.AssignedTo = assigned.Int64
	for _, f := range r.sealed() {
		if *f.v, err = k.openString(f.aad, *f.v); err != nil {
			return Report{}, err
		}
	}
	return r, nil
}

// The sealed columns of reports.
var (
	colReportNarrative    = sealedColumn("reports", "narrative")
	colReportRespondent   = sealedColumn("reports", "respondent_name")
	colReportContactPhone = sealedColumn("reports", "contact_phone")
	colReportSafeTimes    = sealedColumn("reports", "safe_times")
)

// sealedField is one sealed column of a row and its value in Go.
type sealedField struct {
	aad column
	v   *string
}

// sealed lists the report's sealed fields.
func (r *Report) sealed() []sealedField {
	return []sealedField{
		{colReportNarrative, &r.Narrative}, {colReportRespondent, &r.RespondentName},
		{colReportContactPhone, &r.ContactPhone}, {colReportSafeTimes, &r.SafeTimes},
	}
}

// InsertReport stores r in the transaction and sets r.ID, r.CreatedAt and
// r.UpdatedAt (to now if CreatedAt was zero) and r.Status (to ReportNew if
// empty). If r.Reference is already taken nothing is stored and it returns
// ErrDuplicate; the transaction stays usable, so the caller may try again
// with another reference.
func (tx *Tx) InsertReport(ctx context.Context, r *Report) error {
	if r.Reference == "" || r.ContactID == 0 || r.Channel == "" || r.Category == "" {
		return errors.New("store: InsertReport: reference, contact, channel and category are required")
	}
	if r.Status == "" {
		r.Status = ReportNew
	}
	at := r.CreatedAt
	if at.IsZero() {
		at = tx.store.clock()
	}
	at = normTime(at)
	var assigned sql.NullInt64
	if r.AssignedTo != 0 {
		assigned = sql.NullInt64{Int64: r.AssignedTo, Valid: true}
	}
	var id int64
	k := tx.store.keys
	sealed := *r
	for _, f := range sealed.sealed() {
		*f.v = k.sealString(f.aad, *f.v)
	}
	err := tx.queryRow(ctx, "InsertReport",
		r.Reference, r.ContactID, r.Channel, r.Lang, r.Category, sealed.Narrative,
		r.IncidentDate, r.IncidentDateRaw, r.ZIP, r.Jurisdiction,
		r.RespondentType, sealed.RespondentName, r.ProtectedTrait,
		r.ContactMethod, sealed.ContactPhone, sealed.SafeTimes, r.Consent,
		r.CommissionID, r.RouteRule, r.RouteReason, r.Referral, r.Deadline,
		r.Status, r.CloseReason, assigned, timeArg(tx.store.dialect, at),
		r.FirstMessageID, r.LastMessageID, k.CurrentID(), k.RespondentKey(r.RespondentName), k.IndexID()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrDuplicate
	}
	if err != nil {
		return fmt.Errorf("store: insert report: %w", err)
	}
	r.ID, r.CreatedAt, r.UpdatedAt = id, at, at
	commission, category := r.CommissionID, r.Category
	tx.note(func(o Observer) { o.ReportFiled(commission, category) })
	return nil
}

// ReportByReference returns the report with the given reference, or
// ErrNotFound.
func (tx *Tx) ReportByReference(ctx context.Context, reference string) (Report, error) {
	r, err := scanReport(tx.store.keys, tx.queryRow(ctx, "ReportByReference", reference))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Report{}, fmt.Errorf("store: report by reference: %w", err)
	}
	return r, err
}

// ReportByReference returns the report with the given reference, or
// ErrNotFound.
func (s *Store) ReportByReference(ctx context.Context, reference string) (Report, error) {
	r, err := scanReport(s.keys, s.queryRow(ctx, "ReportByReference", reference))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Report{}, fmt.Errorf("store: report by reference: %w", err)
	}
	return r, err
}

// ReportByID returns the report with the given id, or ErrNotFound.
func (tx *Tx) ReportByID(ctx context.Context, id int64) (Report, error) {
	r, err := scanReport(tx.store.keys, tx.queryRow(ctx, "ReportByID", id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Report{}, fmt.Errorf("store: report by id: %w", err)
	}
	return r, err
}

// ReportByID returns the report with the given id, or ErrNotFound.
func (s *Store) ReportByID(ctx context.Context, id int64) (Report, error) {
	r, err := scanReport(s.keys, s.queryRow(ctx, "ReportByID", id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Report{}, fmt.Errorf("store: report by id: %w", err)
	}
	return r, err
}

// ReportsByContact returns up to limit of the contact's reports, newest
// first; none is not an error.
func (s *Store) ReportsByContact(ctx context.Context, contactID int64, limit int) ([]Report, error) {
	rows, err := s.queryRows(ctx, "ReportsByContact", contactID, limit)
	return collectReports(s.keys, rows, err)
}

// ReportsByContact returns up to limit of the contact's reports, newest
// first, read in the transaction; none is not an error.
func (tx *Tx) ReportsByContact(ctx context.Context, contactID int64, limit int) ([]Report, error) {
	rows, err := tx.tx.QueryContext(ctx, query(tx.store.dialect, "ReportsByContact"), contactID, limit)
	return collectReports(tx.store.keys, rows, err)
}

func collectReports(k *Keys, rows *sql.Rows, err error) ([]Report, error) {
	if err != nil {
		return nil, fmt.Errorf("store: reports by contact: %w", err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(k, rows)
		if err != nil {
			return nil, fmt.Errorf("store: reports by contact: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: reports by contact: %w", err)
	}
	return out, nil
}

// ReportContact returns the contact who filed the report, or ErrNotFound.
func (tx *Tx) ReportContact(ctx context.Context, reportID int64) (Contact, error) {
	c, err := scanContact(tx.store.keys, tx.queryRow(ctx, "ReportContact", reportID))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Contact{}, fmt.Errorf("store: report contact: %w", err)
	}
	return c, err
}
