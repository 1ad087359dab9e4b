package console

import (
	"net/http"

	"github.com/rightsline/rightsline/store"
)

// passwordPage is the data of the change-password template.
type passwordPage struct {
	Required bool
	Error    string
}

// passwordForm asks for the current password and a new one.
func (c *Console) passwordForm(w http.ResponseWriter, r *http.Request, s *session) error {
	c.render(w, r, s, http.StatusOK, "password", passwordPage{Required: s.Staff.MustChangePassword})
	return nil
}

// changePassword replaces the member's password. Changing it ends every
// session of the account, so a new session is started for this browser.
func (c *Console) changePassword(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	current, next, repeat := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("repeat")
	fail := func(msg string) error {
		c.render(w, r, s, http.StatusBadRequest, "password", passwordPage{Required: s.Staff.MustChangePassword, Error: msg})
		return nil
	}
	ok, err := c.checkPassword(ctx, []byte(s.Staff.PasswordHash), current)
	if err != nil {
		return err
	}
	if !ok {
		return fail("The current password is wrong.")
	}
	if err := validNewPassword(next, s.Staff.Email); err != nil {
		return fail(ErrorMessage(err))
	}
	if next != repeat {
		return fail("The two new passwords differ.")
	}
	if next == current {
		return fail("Choose a password different from the current one.")
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	token := newToken()
	sess := store.Session{TokenHash: tokenHash(token), StaffID: s.Staff.ID, CSRFToken: newToken(), ExpiresAt: c.now().Add(SessionIdle)}
	err = c.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetStaffPassword(ctx, s.Staff.ID, hash, false); err != nil {
			return err
		}
		if err := tx.InsertSession(ctx, &sess); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: "password.change", IP: c.clientIP(r)})
	})
	if err != nil {
		return err
	}
	http.SetCookie(w, c.cookie(sessionCookie, token, 0))
	http.Redirect(w, r, Path+"/reports?done=password", http.StatusSeeOther)
	return nil
}
