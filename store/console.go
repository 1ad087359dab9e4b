package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Staff roles.
const (
	// RoleAdmin sees every commission's reports and the default queue,
	// manages staff and reads the audit log.
	RoleAdmin = "admin"
	// RoleStaff sees only the reports of their own commission.
	RoleStaff = "staff"
)

// Staff is a person who signs in to the review console.
type Staff struct {
	ID    int64
	Email string // lower-cased
	Name  string
	// PasswordHash is the bcrypt hash of the password; never the password.
	PasswordHash string
	Role         string // RoleAdmin or RoleStaff
	// CommissionID is the commission a RoleStaff member works for; empty
	// for an admin.
	CommissionID string
	Active       bool
	// FailedLogins counts wrong passwords since the last success or lock.
	FailedLogins int
	// LockedUntil is when a lockout ends; zero if not locked.
	LockedUntil time.Time
	CreatedAt   time.Time
	// MustChangePassword is set while the password is a one-time password
	// someone else chose; the console asks for a new one first.
	MustChangePassword bool
	// TOTPEnrolled is set when the member has a confirmed second factor
	// (filled by SessionByTokenHash and StaffTOTP's callers, not by every
	// staff query).
	TOTPEnrolled bool
	// TOTPRequired is set when an admin reset the member's second factor:
	// they must enrol again before anything else, as admins always must
	// (filled by SessionByTokenHash).
	TOTPRequired bool
	// TimeZone is the IANA zone the console shows this member's dates in
	// ("" means UTC); Lang labels codes (categories, traits, places) in
	// this language ("" means English). The member sets both.
	TimeZone, Lang string
}

// IsAdmin reports whether s has the admin role.
func (s Staff) IsAdmin() bool { return s.Role == RoleAdmin }

// ErrInvalidStaff is returned for a staff record that breaks the role rules
// (an admin with a commission, staff without one, an unknown role, an empty
// email or hash).
var ErrInvalidStaff = errors.New("store: invalid staff record")

// scanStaff reads the columns id, email, name, password_hash, role,
// commission_id, active, failed_logins, locked_until, created_at,
// must_change_password, time_zone, lang, and opens the sealed e-mail and
// name.
func scanStaff(k *Keys, row interface{ Scan(...any) error }) (Staff, error) {
	var st Staff
	var commission sql.NullString
	err := row.Scan(&st.ID, &st.Email, &st.Name, &st.PasswordHash, &st.Role, &commission,
		&st.Active, &st.FailedLogins, consoleNullTime{&st.LockedUntil}, timeDest{&st.CreatedAt}, &st.MustChangePassword, &st.TimeZone, &st.Lang)
	if errors.Is(err, sql.ErrNoRows) {
		return Staff{}, ErrNotFound
	}
	if err != nil {
		return Staff{}, err
	}
	st.CommissionID = commission.String
	return st, openStaff(k, &st)
}

// Staff e-mail addresses and names are personal data: sealed like every
// personal field. A member is found at sign-in by email_hash, the keyed
// index of the normalised address (staffEmailIndex).
var (
	colStaffEmail = sealedColumn("staff", "email")
	colStaffName  = sealedColumn("staff", "name")
)

// NormalizeStaffEmail is the form a staff e-mail is stored and looked up
// in: trimmed and lower-cased.
func NormalizeStaffEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// staffEmailIndex is the keyed index a member is found by at sign-in.
func (k *Keys) staffEmailIndex(email string) string {
	return k.Index("staff-email", NormalizeStaffEmail(email))
}

// staffEmailIndexOf is staff.email_hash, for rotation.
var staffEmailIndexOf = &keyedIndex{col: "email_hash",
	digest: func(k *Keys, _ []string, opened map[string]string) string {
		return k.staffEmailIndex(opened["email"])
	}}

// openStaff opens a member's sealed e-mail and name in place.
func openStaff(k *Keys, st *Staff) error {
	var err error
	if st.Email, err = k.openString(colStaffEmail, st.Email); err != nil {
		return err
	}
	st.Name, err = k.openString(colStaffName, st.Name)
	return err
}

// StaffRef is how a text stored in the database (an audit detail, a
// report event) names a staff member: by id, never by e-mail or name.
// Reads (AuditSearch, ReportEvents) render it as the member's e-mail.
func StaffRef(id int64) string { return "staff#" + strconv.FormatInt(id, 10) }

// staffRefPattern matches StaffRef's output.
var staffRefPattern = regexp.MustCompile(`staff#[0-9]+`)

// staffLabels returns every member's opened e-mail by id, for rendering
// StaffRef in texts; staff lists are small.
func (s *Store) staffLabels(ctx context.Context) (map[int64]string, error) {
	rows, err := s.queryRows(ctx, "StaffLabels")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var email string
		if err := rows.Scan(&id, &email); err != nil {
			return nil, err
		}
		if email, err = s.keys.openString(colStaffEmail, email); err != nil {
			return nil, err
		}
		out[id] = email
	}
	return out, rows.Err()
}

// renderStaffRefs replaces every StaffRef in the texts with the member's
// e-mail (a member no longer known stays "staff#<id>"). It reads the staff
// list only when some text holds a reference.
func (s *Store) renderStaffRefs(ctx context.Context, texts ...*string) error {
	var labels map[int64]string
	for _, t := range texts {
		if !strings.Contains(*t, "staff#") {
			continue
		}
		if labels == nil {
			var err error
			if labels, err = s.staffLabels(ctx); err != nil {
				return fmt.Errorf("store: staff labels: %w", err)
			}
		}
		*t = staffRefPattern.ReplaceAllStringFunc(*t, func(ref string) string {
			id, err := strconv.ParseInt(strings.TrimPrefix(ref, "staff#"), 10, 64)
			if l, ok := labels[id]; ok && err == nil {
				return l
			}
			return ref
		})
	}
	return nil
}

// consoleNullTime scans a nullable time column; NULL becomes the zero time.
type consoleNullTime struct{ t *time.Time }

// Scan implements sql.Scanner.
func (d consoleNullTime) Scan(src any) error {
	if src == nil {
		*d.t = time.Time{}
		return nil
	}
	return timeDest(d).Scan(src)
}

// consoleNullString maps "" to NULL.
func consoleNullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

// consoleNullInt maps 0 to NULL.
func consoleNullInt(n int64) sql.NullInt64 {
	return sql.NullInt64{Int64: n, Valid: n != 0}
}

// validateStaff normalises st.Email and checks the role rules before a
// write, so the database's CHECK constraint is a second line, not the
// first.
func validateStaff(st *Staff) error {
	st.Email = NormalizeStaffEmail(st.Email)
	switch {
	case st.Email == "" || !strings.Contains(st.Email, "@"):
		return fmt.Errorf("%w: email %q is not an address", ErrInvalidStaff, st.Email)
	case st.PasswordHash == "":
		return fmt.Errorf("%w: no password hash", ErrInvalidStaff)
	case st.Role == RoleAdmin && st.CommissionID != "":
		return fmt.Errorf("%w: an admin belongs to no commission", ErrInvalidStaff)
	case st.Role == RoleStaff && st.CommissionID == "":
		return fmt.Errorf("%w: staff need a commission", ErrInvalidStaff)
	case st.Role == RoleTranslator && st.CommissionID != "":
		return fmt.Errorf("%w: a translator belongs to no commission", ErrInvalidStaff)
	case st.Role != RoleAdmin && st.Role != RoleStaff && st.Role != RoleTranslator:
		return fmt.Errorf("%w: role %q (want %q, %q or %q)", ErrInvalidStaff, st.Role, RoleAdmin, RoleStaff, RoleTranslator)
	}
	return nil
}

// InsertStaff stores a new, active staff member (with st.MustChangePassword
// as given) and sets st.ID and st.CreatedAt. A taken email gives ErrDuplicate; a record that breaks the
// role rules gives ErrInvalidStaff.
func (tx *Tx) InsertStaff(ctx context.Context, st *Staff) error {
	if err := validateStaff(st); err != nil {
		return err
	}
	st.Active = true
	st.CreatedAt = tx.store.clock()
	k := tx.store.keys
	// The unique index catches the current digest; a member indexed under
	// an older index key (until rotation) or not sealed yet is checked here.
	for _, h := range append(k.olderIndexes("staff-email", st.Email), "") {
		var n int
		if err := tx.queryRow(ctx, "StaffEmailTaken", h, st.Email).Scan(&n); err != nil {
			return fmt.Errorf("store: insert staff: %w", err)
		}
		if n > 0 {
			return fmt.Errorf("%w: staff email", ErrDuplicate)
		}
	}
	err := tx.queryRow(ctx, "InsertStaff", k.sealString(colStaffEmail, st.Email), k.sealString(colStaffName, st.Name), st.PasswordHash, st.Role,
		consoleNullString(st.CommissionID), st.Active, tx.time(st.CreatedAt), st.MustChangePassword,
		k.CurrentID(), k.staffEmailIndex(st.Email), k.IndexID()).Scan(&st.ID)
	if IsUniqueViolation(err) {
		return fmt.Errorf("%w: staff email", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert staff: %w", err)
	}
	return nil
}

// InsertStaff is [Tx.InsertStaff] in its own transaction.
func (s *Store) InsertStaff(ctx context.Context, st *Staff) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.InsertStaff(ctx, st) })
}

// StaffByEmail returns the staff member with this email (compared
// lower-cased), or ErrNotFound.
// The address is found through its keyed index (email_hash): during an
// index-key rotation under the older keys' digests first, then the
// current one; a member written before sealing by the address itself.
func (s *Store) StaffByEmail(ctx context.Context, email string) (Staff, error) {
	email = NormalizeStaffEmail(email)
	if email == "" {
		return Staff{}, ErrNotFound
	}
	for _, h := range s.keys.lookupIndexes("staff-email", email) {
		st, err := scanStaff(s.keys, s.queryRow(ctx, "StaffByEmail", h))
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return Staff{}, fmt.Errorf("store: staff by email: %w", err)
		}
		return st, nil
	}
	st, err := scanStaff(s.keys, s.queryRow(ctx, "StaffByLegacyEmail", email))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Staff{}, fmt.Errorf("store: staff by email: %w", err)
	}
	return st, err
}

// StaffByID returns the staff member with this id, or ErrNotFound.
func (s *Store) StaffByID(ctx context.Context, id int64) (Staff, error) {
	st, err := scanStaff(s.keys, s.queryRow(ctx, "StaffByID", id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Staff{}, fmt.Errorf("store: staff by id: %w", err)
	}
	return st, err
}

// StaffByID returns the staff member with this id, or ErrNotFound.
func (tx *Tx) StaffByID(ctx context.Context, id int64) (Staff, error) {
	st, err := scanStaff(tx.store.keys, tx.queryRow(ctx, "StaffByID", id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Staff{}, fmt.Errorf("store: staff by id: %w", err)
	}
	return st, err
}

// ListStaff returns every staff member, ordered by email (sorted here,
// after opening: the database holds them sealed).
func (s *Store) ListStaff(ctx context.Context) ([]Staff, error) {
	out, err := s.staffList(ctx, "ListStaff")
	slices.SortFunc(out, func(a, b Staff) int { return cmp.Or(strings.Compare(a.Email, b.Email), cmp.Compare(a.ID, b.ID)) })
	return out, err
}

// AssignableStaff returns the active staff of commissionID plus all active
// admins: the people a report of that commission may be assigned to.
//
// They are ordered by name, then e-mail.
func (s *Store) AssignableStaff(ctx context.Context, commissionID string) ([]Staff, error) {
	out, err := s.staffList(ctx, "StaffOfCommission", commissionID)
	slices.SortFunc(out, func(a, b Staff) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Email, b.Email), cmp.Compare(a.ID, b.ID))
	})
	return out, err
}

func (s *Store) staffList(ctx context.Context, name string, args ...any) ([]Staff, error) {
	rows, err := s.queryRows(ctx, name, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list staff: %w", err)
	}
	defer rows.Close()
	out := []Staff{}
	for rows.Next() {
		st, err := scanStaff(s.keys, rows)
		if err != nil {
			return nil, fmt.Errorf("store: list staff: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// CountStaff returns how many staff accounts exist (active or not).
func (tx *Tx) CountStaff(ctx context.Context) (int, error) {
	var n int
	if err := tx.queryRow(ctx, "CountStaff").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count staff: %w", err)
	}
	return n, nil
}

// SetStaffPreferences stores a member's time zone and label language
// (validated by the caller). It returns ErrNotFound for an unknown id.
func (tx *Tx) SetStaffPreferences(ctx context.Context, id int64, timeZone, lang string) error {
	err := affectedOne(tx.exec(ctx, "SetStaffPreferences", id, timeZone, lang))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: set staff preferences: %w", err)
	}
	return err
}

// SetStaffActive enables or disables a staff account; disabling also ends
// its sessions. It returns ErrNotFound for an unknown id.
func (tx *Tx) SetStaffActive(ctx context.Context, id int64, active bool) error {
	if err := affectedOne(tx.exec(ctx, "SetStaffActive", id, active)); err != nil {
		if errors.Is(err, ErrNotFound) {
			return err
		}
		return fmt.Errorf("store: set staff active: %w", err)
	}
	if !active {
		if _, err := tx.exec(ctx, "DeleteStaffSessions", id); err != nil {
			return fmt.Errorf("store: end staff sessions: %w", err)
		}
	}
	return nil
}

// SetStaffPassword replaces the password hash, sets whether it must be
// changed at the next sign-in (a one-time password), clears any lockout
// and ends the member's sessions. It returns ErrNotFound for an unknown id.
func (tx *Tx) SetStaffPassword(ctx context.Context, id int64, hash string, mustChange bool) error {
	if hash == "" {
		return fmt.Errorf("%w: no password hash", ErrInvalidStaff)
	}
	if err := affectedOne(tx.exec(ctx, "SetStaffPassword", id, hash, mustChange)); err != nil {
		if errors.Is(err, ErrNotFound) {
			return err
		}
		return fmt.Errorf("store: set staff password: %w", err)
	}
	if _, err := tx.exec(ctx, "DeleteStaffSessions", id); err != nil {
		return fmt.Errorf("store: end staff sessions: %w", err)
	}
	return nil
}

// IncrementLoginFailures counts a wrong password for the staff member and
// returns the count of wrong passwords in a row (the console's growing
// sign-in delay follows from it; nothing is locked).
func (tx *Tx) IncrementLoginFailures(ctx context.Context, id int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, "IncrementFailedLogins", id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: count failed login: %w", err)
	}
	return n, nil
}

// RecordLoginFailure counts a wrong password for the staff member. When
// the count reaches maxFailures the account is locked until now+lockFor and
// the count starts again; locked reports whether that happened.
func (tx *Tx) RecordLoginFailure(ctx context.Context, id int64, maxFailures int, lockFor time.Duration) (locked bool, err error) {
	var n int
	err = tx.queryRow(ctx, "IncrementFailedLogins", id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ErrNotFound
	}
	if err != nil {
		return false, fmt.Errorf("store: count failed login: %w", err)
	}
	if n < maxFailures {
		return false, nil
	}
	until := tx.store.clock().Add(lockFor)
	if _, err := tx.exec(ctx, "LockStaff", id, tx.time(until)); err != nil {
		return false, fmt.Errorf("store: lock staff: %w", err)
	}
	return true, nil
}

// ResetLoginFailures clears the failure count and any lockout after a
// successful sign-in.
func (tx *Tx) ResetLoginFailures(ctx context.Context, id int64) error {
	if _, err := tx.exec(ctx, "ResetFailedLogins", id); err != nil {
		return fmt.Errorf("store: reset failed logins: %w", err)
	}
	return nil
}

// Session is a signed-in staff member's session. The cookie carries a
// random token; the store keeps only its SHA-256 (TokenHash).
type Session struct {
	TokenHash string
	StaffID   int64
	// CSRFToken is echoed in every form of the session and compared on
	// every state-changing request.
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
	LastSeen  time.Time
	// SecondFactorPending is set on a session that passed the password of
	// an enrolled member but not yet the code: it reaches only the code
	// page and sign-out.
	SecondFactorPending bool
}

// InsertSession stores a new session; CreatedAt and LastSeen are set to now.
func (tx *Tx) InsertSession(ctx context.Context, sess *Session) error {
	if sess.TokenHash == "" || sess.CSRFToken == "" || sess.StaffID == 0 {
		return errors.New("store: InsertSession: token hash, CSRF token and staff id are required")
	}
	sess.CreatedAt = tx.store.clock()
	sess.LastSeen = sess.CreatedAt
	sess.ExpiresAt = normTime(sess.ExpiresAt)
	_, err := tx.exec(ctx, "InsertSession", sess.TokenHash, sess.StaffID, sess.CSRFToken,
		tx.time(sess.CreatedAt), tx.time(sess.ExpiresAt), sess.SecondFactorPending)
	if err != nil {
		return fmt.Errorf("store: insert session: %w", err)
	}
	return nil
}

// SessionByTokenHash returns the unexpired session with this token hash
// and its (active) staff member, or ErrNotFound.
func (s *Store) SessionByTokenHash(ctx context.Context, tokenHash string) (Session, Staff, error) {
	var sess Session
	var st Staff
	var commission sql.NullString
	err := s.queryRow(ctx, "SessionByTokenHash", tokenHash, timeArg(s.dialect, s.clock())).Scan(
		&sess.TokenHash, &sess.StaffID, &sess.CSRFToken, timeDest{&sess.CreatedAt}, timeDest{&sess.ExpiresAt}, timeDest{&sess.LastSeen}, &sess.SecondFactorPending,
		&st.ID, &st.Email, &st.Name, &st.PasswordHash, &st.Role, &commission, &st.Active,
		&st.FailedLogins, consoleNullTime{&st.LockedUntil}, timeDest{&st.CreatedAt}, &st.MustChangePassword, &st.TimeZone, &st.Lang, &st.TOTPEnrolled, &st.TOTPRequired)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, Staff{}, ErrNotFound
	}
	if err != nil {
		return Session{}, Staff{}, fmt.Errorf("store: session: %w", err)
	}
	st.CommissionID = commission.String
	if err := openStaff(s.keys, &st); err != nil {
		return Session{}, Staff{}, fmt.Errorf("store: session: %w", err)
	}
	return sess, st, nil
}

// TouchSession records activity on a session and moves its expiry to
// expiresAt (a sliding idle timeout).
func (s *Store) TouchSession(ctx context.Context, tokenHash string, expiresAt time.Time) error {
	_, err := s.exec(ctx, "TouchSession", tokenHash, timeArg(s.dialect, s.clock()), timeArg(s.dialect, expiresAt))
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteSession ends a session (sign-out). Deleting a missing session is
// not an error: the result is the same.
func (tx *Tx) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := tx.exec(ctx, "DeleteSession", tokenHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions that expired before now and
// returns how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := s.exec(ctx, "DeleteExpiredSessions", timeArg(s.dialect, s.clock()))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}

// AuditEntry is one line of the audit log: who did what to which report.
type AuditEntry struct {
	ID int64
	// StaffID is who acted; 0 for the system or an unknown person (a
	// failed sign-in with an unknown email).
	StaffID int64
	// StaffEmail is filled in by AuditPage.
	StaffEmail string
	// Action is a short verb, e.g. "report.view", "report.status".
	Action string
	// ReportID is the report acted on; 0 if none.
	ReportID int64
	// Detail says more, without personal data (no narratives or phone
	// numbers; a status change, a note's id). A staff member is named by
	// StaffRef, which AuditSearch renders as their e-mail.
	Detail    string
	IP        string
	CreatedAt time.Time
}

// colAuditIP is the sealed client address of an audit entry: personal
// data (a staff member's connection), read by admins in the console only.
var colAuditIP = sealedColumn("audit_log", "ip")

// InsertAudit appends e to the audit log, in the caller's transaction so
// that the entry and the change it records commit together. It sets e.ID
// and e.CreatedAt.
func (tx *Tx) InsertAudit(ctx context.Context, e *AuditEntry) error {
	if e.Action == "" {
		return errors.New("store: InsertAudit: action is required")
	}
	e.CreatedAt = tx.store.clock()
	k := tx.store.keys
	err := tx.queryRow(ctx, "InsertAudit", consoleNullInt(e.StaffID), e.Action, consoleNullInt(e.ReportID),
		e.Detail, k.sealString(colAuditIP, e.IP), tx.time(e.CreatedAt), k.CurrentID()).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: insert audit entry: %w", err)
	}
	return nil
}

// AuditPage returns up to limit audit entries, newest first, older than
// the entry beforeID (0: from the newest), only about reportID if it is
// not 0.
func (s *Store) AuditPage(ctx context.Context, beforeID, reportID int64, limit int) ([]AuditEntry, error) {
	return s.AuditSearch(ctx, AuditFilter{BeforeID: beforeID, ReportID: reportID, Limit: limit})
}

// AuditFilter selects audit entries: older than BeforeID (0: from the
// newest), about ReportID and by StaffID when they are not 0.
type AuditFilter struct {
	BeforeID, ReportID, StaffID int64
	Limit                       int
}

// AuditSearch returns up to f.Limit audit entries matching f, newest first.
func (s *Store) AuditSearch(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	rows, err := s.queryRows(ctx, "AuditPage", f.BeforeID, f.ReportID, f.Limit, f.StaffID)
	if err != nil {
		return nil, fmt.Errorf("store: audit page: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		var staffID, reportID sql.NullInt64
		if err := rows.Scan(&e.ID, &staffID, &e.StaffEmail, &e.Action, &reportID, &e.Detail, &e.IP, timeDest{&e.CreatedAt}); err != nil {
			return nil, fmt.Errorf("store: audit page: %w", err)
		}
		e.StaffID, e.ReportID = staffID.Int64, reportID.Int64
		if e.IP, err = s.keys.openString(colAuditIP, e.IP); err != nil {
			return nil, fmt.Errorf("store: audit page: %w", err)
		}
		if e.StaffEmail, err = s.keys.openString(colStaffEmail, e.StaffEmail); err != nil {
			return nil, fmt.Errorf("store: audit page: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit page: %w", err)
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

// SetCommissionActive opens or closes a commission to new reports (an
// admin's decision, which seeding at start-up keeps). It returns
// ErrNotFound for an unknown commission.
func (tx *Tx) SetCommissionActive(ctx context.Context, id string, active bool) error {
	err := affectedOne(tx.exec(ctx, "ConsoleSetCommissionActive", id, active))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: set commission active: %w", err)
	}
	return err
}
