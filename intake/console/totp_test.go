package console

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

var (
	secretRE   = regexp.MustCompile(`class="totp-secret">([A-Z2-7]+)<`)
	recoveryRE = regexp.MustCompile(`<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>`)
)

// codeAt is the authenticator app's code for secret at t.
func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totpOpts)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// TestTOTPAdminEnrolsAndSignsIn: an admin without a second factor is sent
// to enrolment from every page; a wrong code is refused, the right one
// enrols and shows recovery codes once; sign-in then asks for a code; a
// replayed code is refused; a recovery code works once; codes are rate
// limited per account; the secret is sealed at rest.
func TestTOTPAdminEnrolsAndSignsIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, _ *store.Store) {
		t.Parallel()
		b := setup(t, t.Name()[strings.LastIndex(t.Name(), "/")+1:])
		ctx := t.Context()
		// The limiter's windows follow the test clock.
		b.store.SetClock(func() time.Time { b.mu.Lock(); defer b.mu.Unlock(); return b.clock })
		hash, _ := HashPassword(testPassword)
		admin := store.Staff{Email: "second@example.org", PasswordHash: hash, Role: store.RoleAdmin}
		if err := b.store.InsertStaff(ctx, &admin); err != nil {
			t.Fatal(err)
		}
		c := b.newClient()
		if status, loc, _ := c.signIn(admin.Email, testPassword); status != http.StatusSeeOther || loc != Path+"/reports" {
			t.Fatalf("password sign-in: %d %q", status, loc)
		}
		for _, p := range []string{"/reports", "/staff", "/audit", "/reports/" + strconv.FormatInt(b.reports["dc"].ID, 10)} {
			if status, _ := c.get(Path + p); status != http.StatusSeeOther {
				t.Fatalf("unenrolled admin GET %s: %d, want redirect to enrolment", p, status)
			}
		}
		status, page := c.get(Path + "/totp/enrol")
		m := secretRE.FindStringSubmatch(page)
		if status != http.StatusOK || m == nil || !strings.Contains(page, "otpauth://totp/Rightsline:second@example.org") {
			t.Fatalf("enrol page: %d %s", status, page)
		}
		secret := m[1]
		if status, loc, _ := c.post(Path+"/staff", url.Values{"email": {"x@example.org"}, "role": {"admin"}}); status != http.StatusSeeOther || loc != Path+"/totp/enrol" {
			t.Fatalf("unenrolled admin POST /staff: %d %q", status, loc)
		}
		if st, _ := c.get(Path + "/totp/enrol/qr.png"); st != http.StatusOK {
			t.Fatalf("QR: %d", st)
		}
		var sealed string
		if err := b.store.DB().QueryRowContext(ctx, "SELECT secret FROM staff_totp WHERE staff_id = $1", admin.ID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sealed, secret) {
			t.Fatalf("TOTP secret stored in clear")
		}
		wrong := codeAt(t, secret, b.clock.Add(-10*time.Minute))
		if status, _, body := c.post(Path+"/totp/enrol", url.Values{"code": {wrong}}); status != http.StatusBadRequest || !strings.Contains(body, "code is wrong") {
			t.Fatalf("wrong enrol code: %d", status)
		}
		status, _, body := c.post(Path+"/totp/enrol", url.Values{"code": {codeAt(t, secret, b.clock)}})
		codes := recoveryRE.FindAllStringSubmatch(body, -1)
		if status != http.StatusOK || len(codes) != recoveryCodeCount {
			t.Fatalf("enrol: %d, %d recovery codes", status, len(codes))
		}
		if n := b.count("staff_recovery_codes", "staff_id = $1 AND code_hash = $2", admin.ID, recoveryHash(codes[0][1])); n != 1 {
			t.Fatalf("recovery code not stored hashed: %d", n)
		}
		if n := b.count("staff_recovery_codes", "code_hash = $1", codes[0][1]); n != 0 {
			t.Fatalf("recovery code stored in clear")
		}
		if status, _ := c.get(Path + "/reports"); status != http.StatusOK {
			t.Fatalf("enrolled admin: %d", status)
		}
		if _, page := c.get(Path + "/totp/enrol"); strings.Contains(page, secret) || recoveryRE.MatchString(page) {
			t.Fatalf("secret or recovery codes shown again")
		}

		// Sign-in now asks for the code; nothing else is reachable first.
		b.advance(time.Minute)
		d := b.newClient()
		if status, loc, _ := d.signIn(admin.Email, testPassword); status != http.StatusSeeOther || loc != Path+"/totp" {
			t.Fatalf("sign-in of an enrolled admin: %d %q", status, loc)
		}
		if status, _ := d.get(Path + "/reports"); status != http.StatusSeeOther {
			t.Fatalf("reports before the code: %d", status)
		}
		d.get(Path + "/totp")
		if status, _, _ := d.post(Path+"/totp", url.Values{"code": {wrong}}); status != http.StatusUnauthorized {
			t.Fatalf("wrong code: %d", status)
		}
		good := codeAt(t, secret, b.clock)
		if status, loc, _ := d.post(Path+"/totp", url.Values{"code": {good}}); status != http.StatusSeeOther || loc != Path+"/reports" {
			t.Fatalf("right code: %d %q", status, loc)
		}
		if status, _ := d.get(Path + "/reports"); status != http.StatusOK {
			t.Fatalf("after the code: %d", status)
		}

		// The same code again, in its window, from another browser.
		e := b.newClient()
		e.signIn(admin.Email, testPassword)
		e.get(Path + "/totp")
		if status, _, _ := e.post(Path+"/totp", url.Values{"code": {good}}); status != http.StatusUnauthorized {
			t.Fatalf("replayed code: %d", status)
		}
		// A recovery code works once.
		if status, loc, _ := e.post(Path+"/totp", url.Values{"code": {strings.ToUpper(codes[3][1])}}); status != http.StatusSeeOther || loc != Path+"/reports" {
			t.Fatalf("recovery code: %d %q", status, loc)
		}
		f := b.newClient()
		f.signIn(admin.Email, testPassword)
		f.get(Path + "/totp")
		if status, _, _ := f.post(Path+"/totp", url.Values{"code": {codes[3][1]}}); status != http.StatusUnauthorized {
			t.Fatalf("recovery code reused: %d", status)
		}
		// Per-account limit: at most LimitTOTPAccount.Max codes a minute,
		// then even the right code is refused until the window ends.
		b.advance(time.Minute)
		refused := 0
		for i := 1; i <= LimitTOTPAccount.Max+1; i++ {
			if status, _, _ := f.post(Path+"/totp", url.Values{"code": {"000000"}}); status == http.StatusTooManyRequests {
				refused = i
				break
			}
		}
		if refused != LimitTOTPAccount.Max+1 {
			t.Fatalf("code attempts refused at %d, want %d", refused, LimitTOTPAccount.Max+1)
		}
		if status, _, _ := f.post(Path+"/totp", url.Values{"code": {codeAt(t, secret, b.clock)}}); status != http.StatusTooManyRequests {
			t.Fatalf("right code over the limit: %d", status)
		}
		b.advance(time.Minute)
		if status, loc, _ := f.post(Path+"/totp", url.Values{"code": {codeAt(t, secret, b.clock)}}); status != http.StatusSeeOther || loc != Path+"/reports" {
			t.Fatalf("right code after the window: %d %q", status, loc)
		}
		if n := b.count("audit_log", "staff_id = $1 AND action = 'login.totp_failed'", admin.ID); n < 3 {
			t.Fatalf("failed codes audited %d times", n)
		}
	})
}

// TestSessionPostLimit: one session's POSTs are limited per minute.
func TestSessionPostLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, _ *store.Store) {
		t.Parallel()
		b := setup(t, t.Name()[strings.LastIndex(t.Name(), "/")+1:])
		// The limiter's fixed windows follow the test clock, so a slow
		// machine whose 121 POSTs straddle a minute boundary still sees one.
		b.store.SetClock(func() time.Time { b.mu.Lock(); defer b.mu.Unlock(); return b.clock })
		c := b.login("dc")
		id := strconv.FormatInt(b.reports["dc"].ID, 10)
		c.get(Path + "/reports/" + id)
		got := 0
		for i := 0; i < LimitSessionPost.Max+1; i++ {
			status, _, _ := c.post(Path+"/reports/"+id+"/notes", url.Values{"body": {"n"}})
			if status == http.StatusTooManyRequests {
				got = i
				break
			}
		}
		if got != LimitSessionPost.Max {
			t.Fatalf("refused at POST %d, want %d", got, LimitSessionPost.Max)
		}
		// Another session of the same member is not affected.
		d := b.login("dc")
		d.get(Path + "/reports/" + id)
		if status, _, _ := d.post(Path+"/reports/"+id+"/notes", url.Values{"body": {"n"}}); status != http.StatusSeeOther {
			t.Fatalf("other session: %d", status)
		}
	})
}

// TestFirstRunAdminPasswordThenEnrol is the README's first run: an admin
// with a one-time password chooses a password, then must enrol.
func TestFirstRunAdminPasswordThenEnrol(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, _ *store.Store) {
		t.Parallel()
		b := setup(t, t.Name()[strings.LastIndex(t.Name(), "/")+1:])
		hash, _ := HashPassword("one-time pass 123")
		demo := store.Staff{Email: "demo@example.org", PasswordHash: hash, Role: store.RoleAdmin, MustChangePassword: true}
		if err := b.store.InsertStaff(t.Context(), &demo); err != nil {
			t.Fatal(err)
		}
		c := b.newClient()
		if status, loc, _ := c.signIn(demo.Email, "one-time pass 123"); status != http.StatusSeeOther || loc != Path+"/password" {
			t.Fatalf("first sign-in: %d %q", status, loc)
		}
		c.get(Path + "/password")
		if status, _, _ := c.post(Path+"/password", url.Values{"current": {"one-time pass 123"}, "new": {"violet harbour lantern 42"}, "repeat": {"violet harbour lantern 42"}}); status != http.StatusSeeOther {
			t.Fatalf("choose password: %d", status)
		}
		if status, _ := c.get(Path + "/reports"); status != http.StatusSeeOther {
			t.Fatalf("reports before enrolment: %d", status)
		}
		if status, page := c.get(Path + "/totp/enrol"); status != http.StatusOK || !secretRE.MatchString(page) {
			t.Fatalf("enrolment page: %d", status)
		}
	})
}

// TestAdminResetsLostTOTP: a staff member who lost their authenticator
// gets it reset by an admin, with a reason (audited); their sessions end,
// their old codes and recovery codes stop working, and at the next sign-in
// they must enrol a new authenticator before anything else. Staff cannot
// reset, and an admin cannot reset their own.
func TestAdminResetsLostTOTP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, _ *store.Store) {
		t.Parallel()
		b := setup(t, t.Name()[strings.LastIndex(t.Name(), "/")+1:])
		ctx := t.Context()
		member := b.staff["dc"]
		const oldSecret = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
		if err := b.store.BeginTOTP(ctx, member.ID, oldSecret); err != nil {
			t.Fatal(err)
		}
		if err := b.store.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ConfirmTOTP(ctx, member.ID, 1, []string{recoveryHash("lost1-codes")})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		m := b.newClient()
		if status, loc, _ := m.signIn(member.Email, testPassword); status != http.StatusSeeOther || loc != Path+"/totp" {
			t.Fatalf("enrolled member's sign-in: %d %q", status, loc)
		}
		m.get(Path + "/totp")
		if status, loc, _ := m.post(Path+"/totp", url.Values{"code": {codeAt(t, oldSecret, b.clock)}}); status != http.StatusSeeOther || loc != Path+"/reports" {
			t.Fatalf("member's code: %d %q", status, loc)
		}

		staffURL := Path + "/staff/" + strconv.FormatInt(member.ID, 10) + "/totp-reset"
		// Staff cannot reset anyone's codes.
		p := b.login("pgh")
		p.get(Path + "/reports")
		if status, _, _ := p.post(staffURL, url.Values{"reason": {"lost phone"}}); status != http.StatusNotFound {
			t.Fatalf("staff reset: %d", status)
		}
		a := b.login("admin")
		a.get(Path + "/staff")
		if status, _, body := a.post(staffURL, url.Values{"reason": {"  "}}); status != http.StatusBadRequest || !strings.Contains(body, "reason") {
			t.Fatalf("reset without a reason: %d", status)
		}
		a.get(Path + "/staff")
		if status, _, _ := a.post(Path+"/staff/"+strconv.FormatInt(b.staff["admin"].ID, 10)+"/totp-reset", url.Values{"reason": {"mine"}}); status != http.StatusBadRequest {
			t.Fatalf("admin resetting their own: %d", status)
		}
		a.get(Path + "/staff")
		status, _, body := a.post(staffURL, url.Values{"reason": {"lost phone, confirmed by video call"}})
		if status != http.StatusOK || !strings.Contains(body, "Sign-in codes reset for "+member.Email) {
			t.Fatalf("reset: %d", status)
		}
		if n := b.count("audit_log", "staff_id = $1 AND action = 'staff.totp_reset'", b.staff["admin"].ID); n != 1 {
			t.Fatalf("reset audited %d times", n)
		}
		_, audit := a.get(Path + "/audit")
		if !strings.Contains(audit, "staff.totp_reset") || !strings.Contains(audit, "lost phone, confirmed by video call") {
			t.Fatal("the audit log should show the reset and its reason")
		}

		// The member's session ended; signing in sends them to enrolment,
		// not to the code page, and nothing else is reachable first.
		if status, _ := m.get(Path + "/reports"); status != http.StatusSeeOther {
			t.Fatalf("the member's old session after the reset: %d", status)
		}
		n := b.newClient()
		if status, loc, _ := n.signIn(member.Email, testPassword); status != http.StatusSeeOther || loc != Path+"/reports" {
			t.Fatalf("sign-in after the reset: %d %q", status, loc)
		}
		for _, path := range []string{"/reports", "/totp", "/reports/" + strconv.FormatInt(b.reports["dc"].ID, 10)} {
			if status, _ := n.get(Path + path); status != http.StatusSeeOther {
				t.Fatalf("GET %s before enrolling again: %d, want a redirect to enrolment", path, status)
			}
		}
		status, page := n.get(Path + "/totp/enrol")
		sm := secretRE.FindStringSubmatch(page)
		if status != http.StatusOK || sm == nil || sm[1] == oldSecret {
			t.Fatalf("enrolment after the reset: %d, new secret %v", status, sm)
		}
		if status, _, _ := n.post(Path+"/totp/enrol", url.Values{"code": {codeAt(t, oldSecret, b.clock)}}); status != http.StatusBadRequest {
			t.Fatalf("the lost authenticator's code enrolled: %d", status)
		}
		if ok, err := recoveryWorks(t, b, member.ID, "lost1-codes"); err != nil || ok {
			t.Fatalf("the old recovery code still works: %v %v", ok, err)
		}
		n.get(Path + "/totp/enrol")
		if status, _, _ := n.post(Path+"/totp/enrol", url.Values{"code": {codeAt(t, sm[1], b.clock)}}); status != http.StatusOK {
			t.Fatalf("enrolling the new authenticator: %d", status)
		}
		if status, _ := n.get(Path + "/reports"); status != http.StatusOK {
			t.Fatalf("after enrolling again: %d", status)
		}
	})
}

// recoveryWorks spends a recovery code in a transaction that it rolls back.
func recoveryWorks(t *testing.T, b *bundle, staffID int64, code string) (bool, error) {
	t.Helper()
	ok := false
	errRollback := errors.New("roll back")
	err := b.store.InTx(t.Context(), func(tx *store.Tx) error {
		var err error
		if ok, err = tx.UseRecoveryCode(t.Context(), staffID, recoveryHash(code)); err != nil {
			return err
		}
		return errRollback
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	return ok, err
}
