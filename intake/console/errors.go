package console

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/rightsline/rightsline/store"
)

// Code classifies a console error; the HTTP status follows from it, here
// and nowhere else.
type Code string

// Error codes.
const (
	ENOTFOUND     Code = "not_found"    // no such thing, or not yours to see
	EINVALID      Code = "invalid"      // bad form input
	EUNAUTHORIZED Code = "unauthorized" // not signed in
	EFORBIDDEN    Code = "forbidden"    // CSRF check failed, or not an admin
	ECONFLICT     Code = "conflict"     // someone else changed it first
	ETOOMANY      Code = "too_many"     // over a rate limit, or too busy
	EINTERNAL     Code = "internal"     // our fault; details only in the log
)

// statusOf maps each code to its HTTP status.
var statusOf = map[Code]int{
	ENOTFOUND:     http.StatusNotFound,
	EINVALID:      http.StatusBadRequest,
	EUNAUTHORIZED: http.StatusUnauthorized,
	EFORBIDDEN:    http.StatusForbidden,
	ECONFLICT:     http.StatusConflict,
	ETOOMANY:      http.StatusTooManyRequests,
	EINTERNAL:     http.StatusInternalServerError,
}

// Error is an error a person using the console may read.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("console: %s: %s", e.Code, e.Message) }

// errorf returns an *Error with a message for the person.
func errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// errNotFound is what every out-of-scope report turns into: the same page
// as a report that does not exist.
var errNotFound = &Error{Code: ENOTFOUND, Message: "There is no such page, or it is not yours to see."}

// ErrorCode returns err's code: an *Error's own, ENOTFOUND for
// store.ErrNotFound, ECONFLICT for store.ErrStatusChanged, else EINTERNAL.
func ErrorCode(err error) Code {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, store.ErrNotFound):
		return ENOTFOUND
	case errors.Is(err, store.ErrStatusChanged):
		return ECONFLICT
	}
	return EINTERNAL
}

// ErrorMessage is what the person sees for err: an *Error's message, or a
// fixed text per code that reveals nothing internal.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	switch ErrorCode(err) {
	case ENOTFOUND:
		return errNotFound.Message
	case ECONFLICT:
		return "Someone else changed this report a moment ago. Reload the page and try again."
	}
	return "Something went wrong on our side. The error was logged; please try again."
}

// fail answers a request that failed with err: the error page with the
// code's status, or a redirect to the sign-in page for EUNAUTHORIZED.
// Internal errors are logged here, without personal data (the path holds
// only ids).
func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *session, err error) {
	code := ErrorCode(err)
	if code == EUNAUTHORIZED && r.Method == http.MethodGet {
		http.Redirect(w, r, Path+"/login", http.StatusSeeOther)
		return
	}
	if code == EINTERNAL {
		c.log.Error("console request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	c.auditDenied(r, s, code)
	c.render(w, r, s, statusOf[code], "error", errorPage{Message: ErrorMessage(err)})
}

// errorPage is the data of the error template.
type errorPage struct{ Message string }

// auditDenied logs and audits an access-control failure: a refused form
// (CSRF, another site), a signed-in member sent away from something
// outside their scope (another commission's report, an admin page), or a
// state-changing request without a session. The entry names the route
// pattern, never the query or form, so it holds no personal data.
func (c *Console) auditDenied(r *http.Request, s *session, code Code) {
	denied := code == EFORBIDDEN || (code == ENOTFOUND && s != nil) || (code == EUNAUTHORIZED && r.Method != http.MethodGet)
	if !denied {
		return
	}
	route := r.Pattern
	if route == "" {
		route = r.Method + " (no route)"
	}
	e := store.AuditEntry{Action: "access.denied", Detail: string(code) + " " + route, IP: c.clientIP(r)}
	if s != nil {
		e.StaffID = s.Staff.ID
	}
	if id, err := strconv.ParseInt(r.PathValue("id"), 10, 64); err == nil && strings.Contains(route, "/reports/{id}") {
		e.ReportID = id
	}
	c.log.Warn("console: access denied", "code", string(code), "route", route, "staff", e.StaffID)
	c.audit(r.Context(), e)
}
