package console

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/rightsline/rightsline/store"
)

// loginPage is the data of the sign-in template.
type loginPage struct {
	Token string
	Email string
	Error string
}

// loginFailed is the one message for every failed sign-in, so the page
// does not tell a guesser which emails exist.
const loginFailed = "Sign-in failed. Check your email and password. After 5 wrong passwords an account is locked for 15 minutes."

// loginForm shows the sign-in form with a fresh form token, also set as
// a cookie: the POST must bring back both, equal.
func (c *Console) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, err := c.currentSession(r); err == nil {
		http.Redirect(w, r, Path+"/reports", http.StatusSeeOther)
		return
	}
	token := newToken()
	http.SetCookie(w, c.cookie(loginCookie, token, 3600))
	c.render(w, r, nil, http.StatusOK, "login", loginPage{Token: token})
}

// login checks the email and password, counts failures (locking the
// account at MaxFailedLogins) and starts a session.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	ck, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(r.PostFormValue(csrfField), ck.Value) {
		c.fail(w, r, nil, errorf(EFORBIDDEN, "The sign-in form expired or did not come from the console. Reload the page and try again."))
		return
	}
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	password := r.PostFormValue("password")
	again := func(status int) {
		token := newToken()
		http.SetCookie(w, c.cookie(loginCookie, token, 3600))
		c.render(w, r, nil, status, "login", loginPage{Token: token, Email: email, Error: loginFailed})
	}

	st, err := c.store.StaffByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) || len(email) > 254 {
		checkPassword(c.dummyHash, password) // same cost as a known email
		c.audit(ctx, store.AuditEntry{Action: "login.unknown", IP: clientIP(r)})
		again(http.StatusUnauthorized)
		return
	}
	if err != nil {
		c.fail(w, r, nil, err)
		return
	}
	ok := checkPassword([]byte(st.PasswordHash), password)
	locked := st.LockedUntil.After(c.now())
	if !ok || locked || !st.Active {
		if err := c.recordFailure(ctx, st, ok, locked, clientIP(r)); err != nil {
			c.fail(w, r, nil, err)
			return
		}
		again(http.StatusUnauthorized)
		return
	}

	token := newToken()
	sess := store.Session{TokenHash: tokenHash(token), StaffID: st.ID, CSRFToken: newToken(), ExpiresAt: c.now().Add(SessionIdle)}
	err = c.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ResetLoginFailures(ctx, st.ID); err != nil {
			return err
		}
		if err := tx.InsertSession(ctx, &sess); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: st.ID, Action: "login", IP: clientIP(r)})
	})
	if err != nil {
		c.fail(w, r, nil, err)
		return
	}
	// Sign-ins are rare and the expiry index makes this cheap: it keeps
	// the sessions table from growing without a separate sweeper.
	if _, err := c.store.DeleteExpiredSessions(ctx); err != nil {
		c.log.Warn("console: pruning expired sessions failed", "err", err)
	}
	http.SetCookie(w, c.cookie(loginCookie, "", -1))
	http.SetCookie(w, c.cookie(sessionCookie, token, 0))
	dest := Path + "/reports"
	if st.MustChangePassword {
		dest = Path + "/password"
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
}

// recordFailure counts a failed sign-in of a known account and audits it.
// A right password during a lockout or on a disabled account counts as
// nothing more than a refusal: the lock is not extended by its owner.
func (c *Console) recordFailure(ctx context.Context, st store.Staff, passwordOK, locked bool, ip string) error {
	return c.store.InTx(ctx, func(tx *store.Tx) error {
		action := "login.failed"
		switch {
		case locked:
			action = "login.locked_out"
		case !st.Active:
			action = "login.disabled"
		}
		if !passwordOK && !locked && st.Active {
			nowLocked, err := tx.RecordLoginFailure(ctx, st.ID, MaxFailedLogins, LockoutDuration)
			if err != nil {
				return err
			}
			if nowLocked {
				action = "login.lock"
			}
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: st.ID, Action: action, IP: ip})
	})
}

// audit writes an entry in its own transaction, for events that change
// nothing else (a failed sign-in with an unknown email). A failure is
// logged, not shown: the person's request does not depend on it.
func (c *Console) audit(ctx context.Context, e store.AuditEntry) {
	err := c.store.InTx(ctx, func(tx *store.Tx) error { return tx.InsertAudit(ctx, &e) })
	if err != nil {
		c.log.Error("console: audit write failed", "action", e.Action, "err", err)
	}
}

// logout ends the session.
func (c *Console) logout(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	err := c.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteSession(ctx, s.TokenHash); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: "logout", IP: clientIP(r)})
	})
	if err != nil {
		return err
	}
	http.SetCookie(w, c.cookie(sessionCookie, "", -1))
	http.Redirect(w, r, Path+"/login", http.StatusSeeOther)
	return nil
}
