package console

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/rightsline/rightsline/store"
)

// TOTP second factor (RFC 6238, github.com/pquerna/otp): 6 digits, 30 s
// steps, SHA-1 (what every authenticator app reads), one step of clock
// skew either way. Required for admins; any member may enrol.

// LimitTOTPAccount bounds code attempts per account (all instances share
// the count): 6-digit codes cannot be guessed at 5 a minute.
// With LimitTOTPAccountHour, at most 720 tries a day: under 0.3% of
// guessing one of the three codes accepted at a time.
var (
	LimitTOTPAccount     = store.Limit{Name: "totp-account", Max: 5, Window: time.Minute}
	LimitTOTPAccountHour = store.Limit{Name: "totp-account-hour", Max: 30, Window: time.Hour}
)

// LimitSessionPost bounds the state-changing requests of one signed-in
// session.
var LimitSessionPost = store.Limit{Name: "console-session-post", Max: 120, Window: time.Minute}

// recoveryCodeCount is how many one-time recovery codes enrolment shows.
const recoveryCodeCount = 10

const totpPeriod = 30

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// totpPage is the data of the totp template (code entry and enrolment).
type totpPage struct {
	Enrol    bool
	URI      string
	Secret   string
	Recovery []string
	Error    string
}

// totpStep finds the step (within one of now) whose code is code, or 0.
func totpStep(secret, code string, now time.Time) int64 {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return 0
	}
	for _, skew := range []int64{0, -1, 1} {
		t := now.Add(time.Duration(skew*totpPeriod) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return t.Unix() / totpPeriod
		}
	}
	return 0
}

// recoveryHash is what the store keeps of a recovery code.
func recoveryHash(code string) string {
	return tokenHash(strings.ToLower(strings.ReplaceAll(strings.TrimSpace(code), "-", "")))
}

// newRecoveryCode returns 10 random base32 characters as xxxxx-xxxxx.
func newRecoveryCode() string {
	b := make([]byte, 7)
	_, _ = rand.Read(b)
	s := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:10]
	return s[:5] + "-" + s[5:]
}

// totpThrottled counts one code attempt of the account; false (and the
// page answered 429) when over LimitTOTPAccount.
func (c *Console) totpThrottled(w http.ResponseWriter, r *http.Request, s *session, enrol bool) (bool, error) {
	var v store.Verdict
	for _, lim := range []store.Limit{LimitTOTPAccount, LimitTOTPAccountHour} {
		var err error
		if v, err = c.store.Allow(r.Context(), lim, "staff:"+strconv.FormatInt(s.Staff.ID, 10)); err != nil {
			return false, err
		}
		if !v.Allowed {
			break
		}
	}
	if v.Allowed {
		return false, nil
	}
	if v.FirstRefusal {
		c.audit(r.Context(), store.AuditEntry{StaffID: s.Staff.ID, Action: "totp.throttled", IP: s.IP})
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(v.RetryAfter.Seconds())+1))
	page := totpPage{Enrol: enrol, Error: "Too many codes tried. Wait a minute and try again."}
	c.render(w, r, s, http.StatusTooManyRequests, "totp", page)
	return true, nil
}

// totpForm asks a signed-in (password passed) member for their code.
func (c *Console) totpForm(w http.ResponseWriter, r *http.Request, s *session) error {
	if !s.SecondFactorPending {
		http.Redirect(w, r, Path+"/reports", http.StatusSeeOther)
		return nil
	}
	c.render(w, r, s, http.StatusOK, "totp", totpPage{})
	return nil
}

// verifyTOTP checks a code (or a recovery code) and lets the session in.
func (c *Console) verifyTOTP(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if !s.SecondFactorPending {
		http.Redirect(w, r, Path+"/reports", http.StatusSeeOther)
		return nil
	}
	if stop, err := c.totpThrottled(w, r, s, false); stop || err != nil {
		return err
	}
	t, err := c.store.TOTPOf(ctx, s.Staff.ID)
	if err != nil {
		return err
	}
	code := r.PostFormValue("code")
	ok := false
	action := "login.totp"
	err = c.store.InTx(ctx, func(tx *store.Tx) error {
		if step := totpStep(t.Secret, code, c.now()); step != 0 {
			if ok, err = tx.UseTOTPStep(ctx, s.Staff.ID, step); err != nil {
				return err
			}
		} else if len(strings.TrimSpace(code)) > 6 {
			action = "login.recovery"
			if ok, err = tx.UseRecoveryCode(ctx, s.Staff.ID, recoveryHash(code)); err != nil {
				return err
			}
		}
		if !ok {
			return nil
		}
		if err := tx.CompleteSecondFactor(ctx, s.TokenHash); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: action, IP: s.IP})
	})
	if err != nil {
		return err
	}
	if !ok {
		c.audit(ctx, store.AuditEntry{StaffID: s.Staff.ID, Action: "login.totp_failed", IP: s.IP})
		c.render(w, r, s, http.StatusUnauthorized, "totp", totpPage{Error: "That code is wrong or was already used. Enter the code your app shows now."})
		return nil
	}
	dest := Path + "/reports"
	if s.Staff.MustChangePassword {
		dest = Path + "/password"
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
	return nil
}

// enrolForm starts (or shows the pending) enrolment: a new secret, its
// otpauth URI and QR image, and a field for the first code.
func (c *Console) enrolForm(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	t, err := c.store.TOTPOf(ctx, s.Staff.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.Confirmed && r.URL.Query().Get("new") == "1") {
		key, gerr := totp.Generate(totp.GenerateOpts{Issuer: "Rightsline", AccountName: s.Staff.Email})
		if gerr != nil {
			return gerr
		}
		if err := c.store.BeginTOTP(ctx, s.Staff.ID, key.Secret()); err != nil {
			return err
		}
		t, err = store.StaffTOTP{Secret: key.Secret()}, nil
	}
	if err != nil {
		return err
	}
	if t.Confirmed {
		c.render(w, r, s, http.StatusOK, "totp", totpPage{Enrol: true})
		return nil
	}
	c.render(w, r, s, http.StatusOK, "totp", totpPage{Enrol: true, Secret: t.Secret, URI: totpURI(s.Staff.Email, t.Secret)})
	return nil
}

// totpURI is the otpauth:// URI authenticator apps read.
func totpURI(email, secret string) string {
	key, _ := otp.NewKeyFromURL("otpauth://totp/Rightsline:" + email + "?issuer=Rightsline&secret=" + secret)
	if key == nil {
		return ""
	}
	return key.URL()
}

// enrolQR is the pending secret's QR code as a PNG.
func (c *Console) enrolQR(w http.ResponseWriter, r *http.Request, s *session) error {
	t, err := c.store.TOTPOf(r.Context(), s.Staff.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.Confirmed) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	key, err := otp.NewKeyFromURL(totpURI(s.Staff.Email, t.Secret))
	if err != nil {
		return err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// confirmEnrol checks the first code and shows the recovery codes once.
func (c *Console) confirmEnrol(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if stop, err := c.totpThrottled(w, r, s, true); stop || err != nil {
		return err
	}
	t, err := c.store.TOTPOf(ctx, s.Staff.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.Confirmed) {
		http.Redirect(w, r, Path+"/totp/enrol", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	step := totpStep(t.Secret, r.PostFormValue("code"), c.now())
	codes := make([]string, recoveryCodeCount)
	hashes := make([]string, recoveryCodeCount)
	for i := range codes {
		codes[i] = newRecoveryCode()
		hashes[i] = recoveryHash(codes[i])
	}
	ok := false
	if step != 0 {
		err = c.store.InTx(ctx, func(tx *store.Tx) error {
			if ok, err = tx.ConfirmTOTP(ctx, s.Staff.ID, step, hashes); err != nil || !ok {
				return err
			}
			return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: "totp.enrol", IP: s.IP})
		})
		if err != nil {
			return err
		}
	}
	if !ok {
		c.render(w, r, s, http.StatusBadRequest, "totp", totpPage{Enrol: true, Secret: t.Secret, URI: totpURI(s.Staff.Email, t.Secret),
			Error: "That code is wrong. Enter the 6 digits your app shows now."})
		return nil
	}
	c.render(w, r, s, http.StatusOK, "totp", totpPage{Enrol: true, Recovery: codes})
	return nil
}
