package console

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

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
const loginFailed = "Sign-in failed. Check your email and password. After a few wrong passwords each new try waits a little longer."

// loginThrottled is the answer over the per-address limit.
const loginThrottled = "Too many sign-in attempts from your network. Wait a minute and try again."

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

// login checks the email and password and starts a session. Attempts are
// limited per client address; an account with wrong passwords in a row
// waits loginDelay before its password is checked (never locked).
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
	ip := c.clientIP(r)
	again := func(status int, msg string) {
		token := newToken()
		http.SetCookie(w, c.cookie(loginCookie, token, 3600))
		c.render(w, r, nil, status, "login", loginPage{Token: token, Email: email, Error: msg})
	}
	for _, lim := range []store.Limit{LimitLoginIP, LimitLoginIPHour} {
		v, err := c.store.Allow(ctx, lim, ip)
		if err != nil {
			c.fail(w, r, nil, err)
			return
		}
		if !v.Allowed {
			if v.FirstRefusal {
				c.log.Warn("console: sign-in attempts throttled", "limit", lim.Name)
				c.audit(ctx, store.AuditEntry{Action: "login.throttled", Detail: lim.Name, IP: ip})
			}
			w.Header().Set("Retry-After", strconv.Itoa(int(v.RetryAfter.Seconds())+1))
			again(http.StatusTooManyRequests, loginThrottled)
			return
		}
	}

	// Taken before the lookup, so the one-time cost of making the dummy
	// hash falls on the process's first sign-in whatever the email.
	dummy := dummyHash()
	st, err := c.store.StaffByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) || len(email) > 254 {
		if _, err := c.checkPassword(ctx, dummy, password); err != nil { // same cost as a known email
			c.fail(w, r, nil, err)
			return
		}
		c.audit(ctx, store.AuditEntry{Action: "login.unknown", IP: ip})
		again(http.StatusUnauthorized, loginFailed)
		return
	}
	if err != nil {
		c.fail(w, r, nil, err)
		return
	}
	if d := loginDelay(st.FailedLogins); d > 0 {
		c.sleep(ctx, d)
	}
	ok, err := c.checkPassword(ctx, []byte(st.PasswordHash), password)
	if err != nil {
		c.fail(w, r, nil, err)
		return
	}
	if !ok || !st.Active {
		if err := c.recordFailure(ctx, st, ok, ip); err != nil {
			c.fail(w, r, nil, err)
			return
		}
		again(http.StatusUnauthorized, loginFailed)
		return
	}

	second, err := c.store.TOTPOf(ctx, st.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		c.fail(w, r, nil, err)
		return
	}
	token := newToken()
	sess := store.Session{TokenHash: tokenHash(token), StaffID: st.ID, CSRFToken: newToken(), ExpiresAt: c.now().Add(SessionIdle),
		SecondFactorPending: second.Confirmed}
	err = c.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ResetLoginFailures(ctx, st.ID); err != nil {
			return err
		}
		if err := tx.InsertSession(ctx, &sess); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: st.ID, Action: "login", IP: ip})
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
	if sess.SecondFactorPending {
		dest = Path + "/totp"
	} else if st.MustChangePassword {
		dest = Path + "/password"
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
}

// recordFailure counts a wrong password of a known, active account (the
// count sets the next attempt's delay) and audits the refusal. A right
// password on a disabled account counts nothing.
func (c *Console) recordFailure(ctx context.Context, st store.Staff, passwordOK bool, ip string) error {
	return c.store.InTx(ctx, func(tx *store.Tx) error {
		action := "login.failed"
		if !st.Active {
			action = "login.disabled"
		}
		if !passwordOK && st.Active {
			if _, err := tx.IncrementLoginFailures(ctx, st.ID); err != nil {
				return err
			}
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: st.ID, Action: action, IP: ip})
	})
}

// sleep waits d, or less if the request ends first.
func (c *Console) sleep(ctx context.Context, d time.Duration) {
	if c.cfg.Sleep != nil {
		c.cfg.Sleep(ctx, d)
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
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
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: "logout", IP: c.clientIP(r)})
	})
	if err != nil {
		return err
	}
	http.SetCookie(w, c.cookie(sessionCookie, "", -1))
	http.Redirect(w, r, Path+"/login", http.StatusSeeOther)
	return nil
}
