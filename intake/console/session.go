package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rightsline/rightsline/store"
)

// Cookie names. Both are scoped to Path.
const (
	sessionCookie = "rl_console"
	// loginCookie carries the sign-in form's CSRF token (double submit):
	// there is no session yet to hold one.
	loginCookie = "rl_console_login"
)

// csrfField is the form field every state-changing form carries.
const csrfField = "csrf"

// session is the signed-in staff member of a request.
type session struct {
	store.Session
	Staff store.Staff
	// IP is the client address of this request (Console.clientIP), for
	// the audit log.
	IP string
}

// newToken returns 32 random bytes, base64url-encoded.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenHash is what the database stores for a session token.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// sameToken compares two tokens in constant time; empty never matches.
func sameToken(a, b string) bool {
	return a != "" && b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// cookie builds a console cookie with the flags every one of them needs.
func (c *Console) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     Path,
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   c.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode,
	}
}

// currentSession returns the request's session, EUNAUTHORIZED if there is
// none (or it expired, or the account was disabled). It slides the idle
// expiry forward, at most once a minute to spare the database.
func (c *Console) currentSession(r *http.Request) (*session, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" || len(ck.Value) > 100 {
		return nil, errorf(EUNAUTHORIZED, "Please sign in.")
	}
	hash := tokenHash(ck.Value)
	sess, st, err := c.store.SessionByTokenHash(r.Context(), hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errorf(EUNAUTHORIZED, "Your session ended. Please sign in again.")
	}
	if err != nil {
		return nil, err
	}
	now := c.now()
	if now.Sub(sess.LastSeen) > time.Minute {
		exp := now.Add(SessionIdle)
		if limit := sess.CreatedAt.Add(SessionMax); exp.After(limit) {
			exp = limit
		}
		if err := c.store.TouchSession(r.Context(), hash, exp); err != nil {
			return nil, err
		}
	}
	return &session{Session: sess, Staff: st, IP: c.clientIP(r)}, nil
}

// handlerFunc is a console handler for a signed-in staff member. An error
// it returns is answered by fail.
type handlerFunc func(w http.ResponseWriter, r *http.Request, s *session) error

// authed wraps h: it requires a session and, on anything but GET/HEAD, the
// session's CSRF token in the form. A member who must replace a one-time
// password is sent to the password page first.
func (c *Console) authed(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := c.currentSession(r)
		if err != nil {
			c.fail(w, r, nil, err)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if !sameToken(r.PostFormValue(csrfField), s.CSRFToken) {
				c.fail(w, r, s, errorf(EFORBIDDEN, "This form has expired or did not come from the console. Go back, reload the page and try again."))
				return
			}
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			v, err := c.store.Allow(r.Context(), LimitSessionPost, s.TokenHash)
			if err != nil {
				c.fail(w, r, s, err)
				return
			}
			if !v.Allowed {
				if v.FirstRefusal {
					c.audit(r.Context(), store.AuditEntry{StaffID: s.Staff.ID, Action: "session.throttled", IP: s.IP})
				}
				w.Header().Set("Retry-After", strconv.Itoa(int(v.RetryAfter.Seconds())+1))
				http.Error(w, "Too many changes from this session. Wait a minute and try again.", http.StatusTooManyRequests)
				return
			}
		}
		if to := gate(s, r.URL.Path); to != "" {
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		if err := h(w, r, s); err != nil {
			c.fail(w, r, s, err)
		}
	})
}

// gate is where a session must go before path, or "": the code page while
// the second factor is pending, the password page while the password is a
// one-time password, and enrolment for an admin without a second factor
// or a member whose second factor an admin reset.
func gate(s *session, path string) string {
	if path == Path+"/logout" {
		return ""
	}
	switch {
	case s.SecondFactorPending:
		if path != Path+"/totp" {
			return Path + "/totp"
		}
	case s.Staff.MustChangePassword:
		if path != Path+"/password" {
			return Path + "/password"
		}
	case (s.Staff.IsAdmin() || s.Staff.TOTPRequired) && !s.Staff.TOTPEnrolled:
		if !strings.HasPrefix(path, Path+"/totp/enrol") {
			return Path + "/totp/enrol"
		}
	}
	return ""
}

// adminOnly wraps h so that only admins reach it; staff get 404, as for
// anything else outside their commission.
func (c *Console) adminOnly(h handlerFunc) http.Handler {
	return c.authed(func(w http.ResponseWriter, r *http.Request, s *session) error {
		if !s.Staff.IsAdmin() {
			return errNotFound
		}
		return h(w, r, s)
	})
}

// maxFormBytes bounds every form body; notes are the longest field.
const maxFormBytes = 64 << 10

// clientIP is the address recorded in the audit log and counted by the
// sign-in limits: Config.ClientIP's answer (which trusts X-Forwarded-For
// only from configured proxies), or else the connection's peer.
func (c *Console) clientIP(r *http.Request) string {
	if c.cfg.ClientIP != nil {
		return c.cfg.ClientIP(r)
	}
	return peerIP(r)
}

// peerIP is the connection's peer address.
func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return strings.TrimSpace(r.RemoteAddr)
	}
	return host
}
