package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Scope values for the console's report queries.
const (
	// ScopeAll selects every report: an admin's view.
	ScopeAll = "*"
	// ScopeDefaultQueue selects only reports routed to no commission.
	ScopeDefaultQueue = ""
)

// NoDeadlineKey is the urgency key of a report without a filing deadline:
// it sorts after every real date.
const NoDeadlineKey = "9999-12-31"

// QueueFilter selects a page of the console's queue.
type QueueFilter struct {
	// Scope is ScopeAll, ScopeDefaultQueue or a commission id. The caller
	// (the console) decides it from the signed-in staff member's role;
	// the store does not second-guess it.
	Scope string
	// Status is a report status, "open" (every status but closed) or "all".
	Status string
	// Category and Lang filter when not empty.
	Category, Lang string
	// DeadlineBy keeps only reports whose deadline is on or before this
	// 'YYYY-MM-DD' date, when not empty.
	DeadlineBy string
	// AfterKey and AfterID are the urgency key and id of the last row of
	// the previous page; empty and 0 for the first page.
	AfterKey string
	AfterID  int64
	// Limit is the page size.
	Limit int
	// RespondentKey keeps only reports naming one respondent (a
	// Store.RespondentKey) when not empty.
	RespondentKey string
}

// QueueItem is one row of the queue: what a list needs, without the
// narrative or any contact details.
type QueueItem struct {
	ID           int64
	Reference    string
	Category     string
	Lang         string
	Channel      string
	Status       string
	Deadline     string // 'YYYY-MM-DD' or ""
	CommissionID string // "" for the default queue
	AssignedTo   int64
	CreatedAt    time.Time
}

// UrgencyKey is the item's sort key, for the next page's AfterKey.
func (q QueueItem) UrgencyKey() string {
	if q.Deadline == "" {
		return NoDeadlineKey
	}
	return q.Deadline
}

// ConsoleQueue returns one page of reports matching f, most urgent first.
func (s *Store) ConsoleQueue(ctx context.Context, f QueueFilter) ([]QueueItem, error) {
	if f.Status == "" {
		f.Status = "open"
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	name, args := "ConsoleQueue", []any{f.Scope, f.Status, f.Category, f.Lang, f.DeadlineBy, f.AfterKey, f.AfterID, f.Limit}
	switch {
	case f.RespondentKey != "":
		name, args = "ConsoleQueueByRespondent", append(args, f.RespondentKey)
	// A filter's own index, so one that matches fewer reports than a page
	// does not walk the whole urgency index (queue.sql). Language first:
	// of the three it is usually the rarest value.
	case f.Lang != "" && f.Category != "":
		name = "ConsoleQueueByLangCategory"
	case f.Lang != "":
		name = "ConsoleQueueByLang"
	case f.Category != "":
		name = "ConsoleQueueByCategory"
	case f.Status != "open" && f.Status != "all":
		name = "ConsoleQueueByStatus"
	}
	rows, err := s.queryRows(ctx, name, args...)
	if err != nil {
		return nil, fmt.Errorf("store: console queue: %w", err)
	}
	defer rows.Close()
	out := make([]QueueItem, 0, f.Limit)
	for rows.Next() {
		q, err := scanQueueItem(rows)
		if err != nil {
			return nil, fmt.Errorf("store: console queue: %w", err)
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: console queue: %w", err)
	}
	return out, nil
}

// scanQueueItem reads the queue's columns.
func scanQueueItem(row interface{ Scan(...any) error }) (QueueItem, error) {
	var q QueueItem
	var assigned sql.NullInt64
	err := row.Scan(&q.ID, &q.Reference, &q.Category, &q.Lang, &q.Channel, &q.Status, &q.Deadline,
		&q.CommissionID, &assigned, timeDest{&q.CreatedAt})
	q.AssignedTo = assigned.Int64
	return q, err
}

// CompactReference is a typed reference as references are compared:
// upper case, without spaces, dashes, dots or underscores, and with the
// letters Crockford's alphabet leaves out read as the digits they look
// like (O as 0, I and L as 1) in the six random characters at the end.
// "pgh wct3 8m" and "PGH-WCT3-8M" are both "PGHWCT38M". It returns ""
// for text that cannot be a reference (other characters, or too short).
func CompactReference(typed string) string {
	var b []byte
	for _, r := range strings.ToUpper(strings.TrimSpace(typed)) {
		switch {
		case r == ' ' || r == '-' || r == '.' || r == '_' || r == '\t':
		case (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'):
			b = append(b, byte(r))
		default:
			return ""
		}
	}
	if len(b) < 8 || len(b) > 16 {
		return ""
	}
	for i := len(b) - 6; i < len(b); i++ {
		switch b[i] {
		case 'O':
			b[i] = '0'
		case 'I', 'L':
			b[i] = '1'
		}
	}
	return string(b)
}

// FindReport returns the report whose reference is typed (as
// CompactReference reads it) if it is in scope; ErrNotFound otherwise,
// also for another commission's report, so the answer says nothing
// about other commissions.
func (s *Store) FindReport(ctx context.Context, scope, typed string) (QueueItem, error) {
	return findReport(func(ref string) *sql.Row { return s.queryRow(ctx, "ReportByCompactReference", ref) }, scope, typed)
}

// FindReport is [Store.FindReport] in the transaction.
func (tx *Tx) FindReport(ctx context.Context, scope, typed string) (QueueItem, error) {
	return findReport(func(ref string) *sql.Row { return tx.queryRow(ctx, "ReportByCompactReference", ref) }, scope, typed)
}

func findReport(row func(ref string) *sql.Row, scope, typed string) (QueueItem, error) {
	ref := CompactReference(typed)
	if ref == "" {
		return QueueItem{}, ErrNotFound
	}
	q, err := scanQueueItem(row(ref))
	if errors.Is(err, sql.ErrNoRows) {
		return QueueItem{}, ErrNotFound
	}
	if err != nil {
		return QueueItem{}, fmt.Errorf("store: find report: %w", err)
	}
	if !InScope(scope, q.CommissionID) {
		return QueueItem{}, ErrNotFound
	}
	return q, nil
}

// InScope reports whether a report of commissionID ("" for the default
// queue) is in scope.
func InScope(scope, commissionID string) bool {
	return scope == ScopeAll || scope == commissionID
}

// AuditExport records, in tx, one "report.export" audit entry for each
// report in scope that exists now, and returns the highest report id
// covered; pass it to ExportReports so the export holds exactly the
// audited reports. detail and ip are stored on every entry.
func (tx *Tx) AuditExport(ctx context.Context, staffID int64, scope, detail, ip string) (maxID int64, err error) {
	if err := tx.queryRow(ctx, "ConsoleMaxReportID").Scan(&maxID); err != nil {
		return 0, fmt.Errorf("store: audit export: %w", err)
	}
	k := tx.store.keys
	_, err = tx.exec(ctx, "ConsoleAuditExport", scope, maxID, consoleNullInt(staffID), detail, k.sealString(colAuditIP, ip), tx.time(tx.store.clock()), k.CurrentID())
	if err != nil {
		return 0, fmt.Errorf("store: audit export: %w", err)
	}
	return maxID, nil
}

// ExportReports calls fn with every report in scope whose id is at most
// maxID, oldest first, streaming rather than loading them all. fn's error
// stops the export and is returned as is.
func (s *Store) ExportReports(ctx context.Context, scope string, maxID int64, fn func(Report) error) error {
	rows, err := s.queryRows(ctx, "ConsoleExport", scope, maxID)
	if err != nil {
		return fmt.Errorf("store: export reports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanReport(s.keys, rows)
		if err != nil {
			return fmt.Errorf("store: export reports: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: export reports: %w", err)
	}
	return nil
}

// DashboardCount is the number of reports filed on one UTC day with one
// category, status and language.
type DashboardCount struct {
	Day      string // 'YYYY-MM-DD'
	Category string
	Status   string
	Lang     string
	N        int
}

// DashboardCounts returns report counts in scope filed since the given
// time, per day, category, status and language, in no particular order.
func (s *Store) DashboardCounts(ctx context.Context, scope string, since time.Time) ([]DashboardCount, error) {
	rows, err := s.queryRows(ctx, "ConsoleDashboard", scope, timeArg(s.dialect, since))
	if err != nil {
		return nil, fmt.Errorf("store: dashboard counts: %w", err)
	}
	defer rows.Close()
	out := []DashboardCount{}
	for rows.Next() {
		var c DashboardCount
		if err := rows.Scan(&c.Day, &c.Category, &c.Status, &c.Lang, &c.N); err != nil {
			return nil, fmt.Errorf("store: dashboard counts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ErrStatusChanged is returned by SetReportStatus when the report is no
// longer in the status the caller saw (someone else changed it first).
var ErrStatusChanged = errors.New("store: report status changed meanwhile")

// SetReportStatus moves the report from status from to status to, with a
// close reason when closing. It returns ErrNotFound for an unknown report
// and ErrStatusChanged when the report's status is no longer from. The
// workflow's rules (which moves are allowed) belong to the caller.
func (tx *Tx) SetReportStatus(ctx context.Context, id int64, from, to, closeReason string) error {
	res, err := tx.exec(ctx, "ConsoleSetStatus", id, from, to, closeReason, tx.time(tx.store.clock()))
	err = affectedOne(res, err)
	if errors.Is(err, ErrNotFound) {
		if _, err := tx.ReportByID(ctx, id); err != nil {
			return err
		}
		return ErrStatusChanged
	}
	if err != nil {
		return fmt.Errorf("store: set report status: %w", err)
	}
	return nil
}

// AssignReport assigns the report to a staff member (0 unassigns). It
// returns ErrNotFound for an unknown report.
func (tx *Tx) AssignReport(ctx context.Context, id, staffID int64) error {
	err := affectedOne(tx.exec(ctx, "ConsoleAssign", id, consoleNullInt(staffID), tx.time(tx.store.clock())))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: assign report: %w", err)
	}
	return err
}

// ReportNote is an internal note on a report, seen only by staff.
type ReportNote struct {
	ID       int64
	ReportID int64
	StaffID  int64
	// StaffName and StaffEmail are filled in by ReportNotes.
	StaffName, StaffEmail string
	Body                  string
	CreatedAt             time.Time
}

// InsertReportNote stores n and sets n.ID and n.CreatedAt.
func (tx *Tx) InsertReportNote(ctx context.Context, n *ReportNote) error {
	if n.ReportID == 0 || n.Body == "" {
		return errors.New("store: InsertReportNote: report and body are required")
	}
	n.CreatedAt = tx.store.clock()
	k := tx.store.keys
	err := tx.queryRow(ctx, "InsertReportNote", n.ReportID, consoleNullInt(n.StaffID), k.sealString(aadNoteBody, n.Body), tx.time(n.CreatedAt), k.CurrentID()).Scan(&n.ID)
	if err != nil {
		return fmt.Errorf("store: insert report note: %w", err)
	}
	return nil
}

// aadNoteBody is the additional data of a sealed staff note.
var aadNoteBody = sealedColumn("report_notes", "body")

// ReportNotes returns the report's notes, oldest first.
func (s *Store) ReportNotes(ctx context.Context, reportID int64) ([]ReportNote, error) {
	rows, err := s.queryRows(ctx, "ReportNotes", reportID)
	if err != nil {
		return nil, fmt.Errorf("store: report notes: %w", err)
	}
	defer rows.Close()
	out := []ReportNote{}
	for rows.Next() {
		var n ReportNote
		var staffID sql.NullInt64
		if err := rows.Scan(&n.ID, &n.ReportID, &staffID, &n.StaffName, &n.StaffEmail, &n.Body, timeDest{&n.CreatedAt}); err != nil {
			return nil, fmt.Errorf("store: report notes: %w", err)
		}
		n.StaffID = staffID.Int64
		if n.Body, err = s.keys.openString(aadNoteBody, n.Body); err != nil {
			return nil, fmt.Errorf("store: report notes: %w", err)
		}
		if n.StaffName, err = s.keys.openString(colStaffName, n.StaffName); err != nil {
			return nil, fmt.Errorf("store: report notes: %w", err)
		}
		if n.StaffEmail, err = s.keys.openString(colStaffEmail, n.StaffEmail); err != nil {
			return nil, fmt.Errorf("store: report notes: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Report event kinds.
const (
	EventStatus = "status" // a status change
	EventAssign = "assign" // an assignment
	EventUpdate = "update" // an update sent to the resident
)

// ReportEvent is one entry of a report's history.
type ReportEvent struct {
	ID       int64
	ReportID int64
	StaffID  int64
	// StaffEmail is filled in by ReportEvents.
	StaffEmail string
	Kind       string // EventStatus, EventAssign or EventUpdate
	FromStatus string
	ToStatus   string
	// Detail names a staff member by StaffRef, never by e-mail or name;
	// ReportEvents renders the reference as the member's e-mail.
	Detail    string
	CreatedAt time.Time
}

// InsertReportEvent stores e and sets e.ID and e.CreatedAt.
func (tx *Tx) InsertReportEvent(ctx context.Context, e *ReportEvent) error {
	if e.ReportID == 0 || e.Kind == "" {
		return errors.New("store: InsertReportEvent: report and kind are required")
	}
	e.CreatedAt = tx.store.clock()
	err := tx.queryRow(ctx, "InsertReportEvent", e.ReportID, consoleNullInt(e.StaffID), e.Kind,
		e.FromStatus, e.ToStatus, e.Detail, tx.time(e.CreatedAt)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: insert report event: %w", err)
	}
	return nil
}

// ReportEvents returns the report's history, oldest first.
func (s *Store) ReportEvents(ctx context.Context, reportID int64) ([]ReportEvent, error) {
	rows, err := s.queryRows(ctx, "ReportEvents", reportID)
	if err != nil {
		return nil, fmt.Errorf("store: report events: %w", err)
	}
	defer rows.Close()
	out := []ReportEvent{}
	for rows.Next() {
		var e ReportEvent
		var staffID sql.NullInt64
		if err := rows.Scan(&e.ID, &e.ReportID, &staffID, &e.StaffEmail, &e.Kind, &e.FromStatus, &e.ToStatus,
			&e.Detail, timeDest{&e.CreatedAt}); err != nil {
			return nil, fmt.Errorf("store: report events: %w", err)
		}
		e.StaffID = staffID.Int64
		if e.StaffEmail, err = s.keys.openString(colStaffEmail, e.StaffEmail); err != nil {
			return nil, fmt.Errorf("store: report events: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: report events: %w", err)
	}
	rows.Close()
	details := make([]*string, len(out))
	for i := range out {
		details[i] = &out[i].Detail
	}
	if err := s.renderStaffRefs(ctx, details...); err != nil {
		return nil, err
	}
	return out, nil
}
