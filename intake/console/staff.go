package console

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/pquerna/otp/totp"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// staffPage is the data of the staff template.
type staffPage struct {
	Staff       []staffRow
	Commissions []store.Commission
	// Langs are the languages a translator may be given, for the forms.
	Langs []langChoice
	// OneTime is a new one-time password to hand over, shown once, with
	// the email it belongs to.
	OneTime, OneTimeEmail string
	Error                 string
	// Notice says what was just done (a second factor reset).
	Notice string
}

// staffList shows every account, with the form to add one.
func (c *Console) staffList(w http.ResponseWriter, r *http.Request, s *session) error {
	return c.renderStaff(w, r, s, http.StatusOK, staffPage{})
}

// staffRow is one account on the staff page; a translator's languages
// with the choices of its languages form.
type staffRow struct {
	store.Staff
	Langs   []string
	Choices []langChoice
}

// langChoice is one checkbox of a languages form.
type langChoice struct {
	Code, Label string
	Checked     bool
}

// langChoices lists the translatable languages (the console's catalog's,
// English aside), those in checked ticked.
func (c *Console) langChoices(checked []string) []langChoice {
	langs := c.labels.Langs()[1:]
	out := make([]langChoice, 0, len(langs))
	for _, l := range langs {
		out = append(out, langChoice{Code: string(l), Label: c.langLabel(string(l)), Checked: slices.Contains(checked, string(l))})
	}
	return out
}

func (c *Console) renderStaff(w http.ResponseWriter, r *http.Request, s *session, status int, page staffPage) error {
	ctx := r.Context()
	all, err := c.store.ListStaff(ctx)
	if err != nil {
		return err
	}
	for _, st := range all {
		row := staffRow{Staff: st}
		if st.IsTranslator() {
			if row.Langs, err = c.store.StaffLangs(ctx, st.ID); err != nil {
				return err
			}
			row.Choices = c.langChoices(row.Langs)
		}
		page.Staff = append(page.Staff, row)
	}
	page.Langs = c.langChoices(nil)
	if page.Commissions, err = c.store.Commissions(r.Context()); err != nil {
		return err
	}
	c.render(w, r, s, status, "staff", page)
	return nil
}

// AddStaff creates an account and returns its password: password if
// given (at least MinPasswordLength characters), else a new random one.
// Either way it is a one-time password: its holder must replace it at the
// first sign-in. The commission must exist for RoleStaff and be empty for
// RoleAdmin. The creation is audited as done by actorID (0: the command
// line) from ip. The CLI and the admin page both use it.
func AddStaff(ctx context.Context, st *store.Store, who store.Staff, password string, actorID int64, ip string) (string, error) {
	return addAccount(ctx, st, who, password, actorID, ip, nil)
}

// addAccount is AddStaff; then, when not nil, runs in the same transaction
// with the new account's id (a translator's languages).
func addAccount(ctx context.Context, st *store.Store, who store.Staff, password string, actorID int64, ip string, then func(tx *store.Tx, id int64) error) (string, error) {
	if password == "" {
		password = NewOneTimePassword()
	} else if err := validNewPassword(password, who.Email); err != nil {
		return "", err
	}
	if who.Role == store.RoleStaff {
		if _, err := st.CommissionByID(ctx, who.CommissionID); errors.Is(err, store.ErrNotFound) {
			return "", errorf(EINVALID, "There is no commission %q.", who.CommissionID)
		} else if err != nil {
			return "", err
		}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return "", err
	}
	who.PasswordHash = hash
	who.MustChangePassword = true
	err = st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertStaff(ctx, &who); err != nil {
			return err
		}
		if then != nil {
			if err := then(tx, who.ID); err != nil {
				return err
			}
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: actorID, Action: "staff.add",
			Detail: store.StaffRef(who.ID) + " (" + strings.TrimSpace(who.Role+" "+who.CommissionID) + ")", IP: ip})
	})
	switch {
	case errors.Is(err, store.ErrDuplicate):
		return "", errorf(EINVALID, "An account with this email exists already.")
	case errors.Is(err, store.ErrInvalidStaff):
		return "", errorf(EINVALID, "%s", strings.TrimPrefix(err.Error(), "store: invalid staff record: "))
	case err != nil:
		return "", err
	}
	return password, nil
}

// addStaff creates an account from the admin's form.
func (c *Console) addStaff(w http.ResponseWriter, r *http.Request, s *session) error {
	who := store.Staff{
		Email:        r.PostFormValue("email"),
		Name:         strings.TrimSpace(r.PostFormValue("name")),
		Role:         r.PostFormValue("role"),
		CommissionID: r.PostFormValue("commission"),
	}
	if who.Role == store.RoleAdmin {
		who.CommissionID = ""
	}
	if len(who.Name) > 200 || len(who.Email) > 254 {
		return c.renderStaff(w, r, s, http.StatusBadRequest, staffPage{Error: "Name or email too long."})
	}
	var pw string
	var err error
	if who.Role == store.RoleTranslator {
		var langs []locales.Lang
		if langs, err = formLangs(r); err == nil {
			pw, err = AddTranslator(r.Context(), c.store, who, langs, "", s.Staff.ID, c.clientIP(r))
		}
	} else {
		pw, err = AddStaff(r.Context(), c.store, who, "", s.Staff.ID, c.clientIP(r))
	}
	if ErrorCode(err) == EINVALID {
		return c.renderStaff(w, r, s, http.StatusBadRequest, staffPage{Error: ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return c.renderStaff(w, r, s, http.StatusOK, staffPage{OneTime: pw, OneTimeEmail: strings.ToLower(strings.TrimSpace(who.Email))})
}

// formLangs reads the ticked languages of a form (lang=am&lang=ko).
func formLangs(r *http.Request) ([]locales.Lang, error) {
	var out []locales.Lang
	for _, v := range r.PostForm["lang"] {
		l, ok := locales.ParseLang(v)
		if !ok || l == locales.Source {
			return nil, errorf(EINVALID, "%q is not a language a translator works on (%v).", v, locales.All[1:])
		}
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil, errorf(EINVALID, "Tick at least one language for a translator.")
	}
	return out, nil
}

// setStaffLangs replaces the languages a translator may review, audited;
// the change applies at the translator's next page (languages are read on
// every request).
func (c *Console) setStaffLangs(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	id, err := staffTarget(r)
	if err != nil {
		return err
	}
	langs, err := formLangs(r)
	if err != nil {
		return c.renderStaff(w, r, s, http.StatusBadRequest, staffPage{Error: ErrorMessage(err)})
	}
	codes := make([]string, 0, len(langs))
	for _, l := range langs {
		codes = append(codes, string(l))
	}
	err = c.store.InTx(ctx, func(tx *store.Tx) error {
		who, err := tx.StaffByID(ctx, id)
		if err != nil {
			return err
		}
		if !who.IsTranslator() {
			return errorf(EINVALID, "Only a translator's account has languages.")
		}
		if err := tx.SetStaffLangs(ctx, id, codes); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: "staff.langs", Detail: "staff " + strconv.FormatInt(id, 10) + ": " + strings.Join(codes, ","), IP: c.clientIP(r)})
	})
	if ErrorCode(err) == EINVALID {
		return c.renderStaff(w, r, s, http.StatusBadRequest, staffPage{Error: ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, Path+"/staff?done=staff", http.StatusSeeOther)
	return nil
}

// staffTarget parses {id} of a staff route.
func staffTarget(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// setStaffActive disables an account (ending its sessions) or enables it.
// Admins cannot disable themselves, so there is always a way back in.
func (c *Console) setStaffActive(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	id, err := staffTarget(r)
	if err != nil {
		return err
	}
	active := r.PostFormValue("active") == "1"
	if id == s.Staff.ID && !active {
		return errorf(EINVALID, "You cannot disable your own account.")
	}
	err = c.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetStaffActive(ctx, id, active); err != nil {
			return err
		}
		action := "staff.disable"
		if active {
			action = "staff.enable"
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: action, Detail: store.StaffRef(id), IP: c.clientIP(r)})
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, Path+"/staff?done=staff", http.StatusSeeOther)
	return nil
}

// maxResetReason bounds the reason an admin gives for a reset.
const maxResetReason = 300

// resetStaffTOTP resets a member's lost second factor (an admin, with a
// reason, audited): their authenticator and recovery codes stop working,
// their sessions end, and at the next sign-in, after the password, they
// must enrol a new authenticator before anything else. An admin cannot
// reset their own (another admin must), so a stolen admin session cannot
// swap the admin's authenticator.
func (c *Console) resetStaffTOTP(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	id, err := staffTarget(r)
	if err != nil {
		return err
	}
	reason := strings.Join(strings.Fields(r.PostFormValue("reason")), " ")
	switch {
	case id == s.Staff.ID:
		return errorf(EINVALID, "Another admin must reset your sign-in codes.")
	case reason == "":
		return errorf(EINVALID, "Give a reason for the reset (it goes in the audit log).")
	case len(reason) > maxResetReason:
		return errorf(EINVALID, "The reason is too long (300 characters at most).")
	}
	var who store.Staff
	err = c.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if who, err = tx.StaffByID(ctx, id); err != nil {
			return err
		}
		key, err := totp.Generate(totp.GenerateOpts{Issuer: "Rightsline", AccountName: who.Email})
		if err != nil {
			return err
		}
		if err := tx.ResetTOTP(ctx, id, key.Secret()); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: "staff.totp_reset",
			Detail: store.StaffRef(id) + ": " + reason, IP: c.clientIP(r)})
	})
	if err != nil {
		return err
	}
	return c.renderStaff(w, r, s, http.StatusOK, staffPage{Notice: "Sign-in codes reset for " + who.Email +
		": their sessions ended, and they must set up an authenticator app again at their next sign-in."})
}

// resetStaffPassword gives an account a new one-time password, shown once
// to the admin, and ends its sessions.
func (c *Console) resetStaffPassword(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	id, err := staffTarget(r)
	if err != nil {
		return err
	}
	pw := NewOneTimePassword()
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	var who store.Staff
	err = c.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if who, err = tx.StaffByID(ctx, id); err != nil {
			return err
		}
		if err := tx.SetStaffPassword(ctx, id, hash, true); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: "staff.password_reset", Detail: store.StaffRef(who.ID), IP: c.clientIP(r)})
	})
	if err != nil {
		return err
	}
	return c.renderStaff(w, r, s, http.StatusOK, staffPage{OneTime: pw, OneTimeEmail: who.Email})
}
