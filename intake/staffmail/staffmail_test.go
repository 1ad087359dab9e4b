package staffmail_test

import (
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/rightsline/rightsline/intake/staffmail"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// received is one message the loopback SMTP server accepted.
type received struct {
	From string
	To   []string
	Data string
}

// mailServer is a real SMTP server (emersion/go-smtp) on 127.0.0.1 that
// requires PLAIN authentication and keeps what it receives.
type mailServer struct {
	mu   sync.Mutex
	msgs []received
	// fail makes the next DATA fail (a server refusing mail).
	fail bool
	addr string
}

func startMailServer(t *testing.T) *mailServer {
	t.Helper()
	ms := &mailServer{}
	s := smtp.NewServer(ms)
	s.Domain = "localhost"
	s.AllowInsecureAuth = true // loopback only; the client still authenticates
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ms.addr = ln.Addr().String()
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Close() })
	return ms
}

func (ms *mailServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{ms: ms}, nil }

func (ms *mailServer) all() []received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]received(nil), ms.msgs...)
}

type mailSession struct {
	ms     *mailServer
	authed bool
	cur    received
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "rightsline" || pass != "mail-secret" {
			return errors.New("bad credentials")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.cur = received{From: from}
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.ms.mu.Lock()
	defer s.ms.mu.Unlock()
	if s.ms.fail {
		s.ms.fail = false
		return &smtp.SMTPError{Code: 451, Message: "try again later"}
	}
	s.cur.Data = string(b)
	s.ms.msgs = append(s.ms.msgs, s.cur)
	return nil
}

func (s *mailSession) Reset()        { s.cur = received{} }
func (s *mailSession) Logout() error { return nil }

// newSender is the real SMTP sender pointed at ms.
func newSender(t *testing.T, ms *mailServer) staffmail.Sender {
	t.Helper()
	host, port, _ := net.SplitHostPort(ms.addr)
	var p int
	for _, c := range port {
		p = p*10 + int(c-'0')
	}
	snd, err := staffmail.NewSMTP(staffmail.SMTP{Host: host, Port: p, Username: "rightsline", Password: "mail-secret",
		From: "console@rightsline.example", TLS: "none", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return snd
}

// seed stores two commissions with staff and an admin, and returns a
// contact to file reports with.
func seed(t *testing.T, st *store.Store) store.Contact {
	t.Helper()
	ctx := t.Context()
	var c store.Contact
	err := st.InTx(ctx, func(tx *store.Tx) error {
		for _, id := range []string{"dc-ohr", "pghchr"} {
			if err := tx.UpsertCommission(ctx, store.Commission{ID: id, Name: "Commission " + id, Active: true}); err != nil {
				return err
			}
		}
		var err error
		c, err = tx.ContactForUpdate(ctx, "sms", "+12025550142")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []store.Staff{
		{Email: "ana@ohr.example", PasswordHash: "x", Role: store.RoleStaff, CommissionID: "dc-ohr"},
		{Email: "bo@ohr.example", PasswordHash: "x", Role: store.RoleStaff, CommissionID: "dc-ohr"},
		{Email: "jo@pgh.example", PasswordHash: "x", Role: store.RoleStaff, CommissionID: "pghchr"},
		{Email: "admin@rightsline.example", PasswordHash: "x", Role: store.RoleAdmin},
	} {
		if err := st.InsertStaff(ctx, &s); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func file(t *testing.T, st *store.Store, c store.Contact, ref, commission, deadline string) store.Report {
	t.Helper()
	ctx := t.Context()
	r := store.Report{Reference: ref, ContactID: c.ID, Channel: "sms", Lang: "es", Category: "housing",
		Narrative: "El casero cambió la cerradura", RespondentName: "Acme Rentals", ContactMethod: store.ContactOther,
		ContactPhone: "+12025550177", SafeTimes: "after 6pm", Consent: true, CommissionID: commission, Deadline: deadline}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.InsertReport(ctx, &r) }); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestNewReportMailAndDigest: over a real SMTP server on loopback, with
// authentication, staff of the report's commission get one e-mail with
// the reference and a link and no personal data; a refused mail is sent
// again at the next poll; the daily digest lists the deadlines within 30
// days and is sent once a day even when several instances try.
func TestNewReportMailAndDigest(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		ctx := t.Context()
		ms := startMailServer(t)
		c := seed(t, st)
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		mk := func() *staffmail.Notifier {
			n, err := staffmail.New(staffmail.Config{Store: st, Sender: newSender(t, ms), BaseURL: "https://rightsline.example/",
				DigestHour: 7, Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		a, b := mk(), mk()
		r := file(t, st, c, "DC-NEW1-AA", "dc-ohr", "2026-12-20")
		ms.fail = true
		if n, err := a.MailNewReports(ctx); err == nil || n != 0 || !strings.Contains(err.Error(), "451") {
			t.Fatalf("refused mail: sent %d, err %v; want an error", n, err)
		}
		if n, err := a.MailNewReports(ctx); err != nil || n != 1 {
			t.Fatalf("retry: sent %d, %v", n, err)
		}
		if n, err := b.MailNewReports(ctx); err != nil || n != 0 {
			t.Fatalf("second instance mailed %d again (%v)", n, err)
		}
		got := ms.all()
		if len(got) != 1 {
			t.Fatalf("received %d mails, want 1", len(got))
		}
		m := got[0]
		if strings.Join(m.To, ",") != "ana@ohr.example,bo@ohr.example" || m.From != "console@rightsline.example" {
			t.Errorf("mail from %s to %v, want DC's two staff", m.From, m.To)
		}
		link := "https://rightsline.example/console/reports/" + itoa(r.ID)
		if !strings.Contains(m.Data, "Subject: New report DC-NEW1-AA") || !strings.Contains(m.Data, link) {
			t.Errorf("mail lacks the reference or link %s:\n%s", link, m.Data)
		}
		for _, personal := range []string{"casero", "Acme", "2025550177", "2025550142", "after 6pm"} {
			if strings.Contains(m.Data, personal) {
				t.Errorf("mail holds personal data %q", personal)
			}
		}

		// The digest: DC's report due in 19 days, one due later, one of
		// Pittsburgh's overdue; the default queue's goes to the admin.
		file(t, st, c, "DC-LATE-BB", "dc-ohr", "2027-03-01")
		file(t, st, c, "PGH-OVER-CC", "pghchr", "2026-11-20")
		file(t, st, c, "US-DFLT-DD", "", "2026-12-10")
		if _, err := a.MailNewReports(ctx); err != nil {
			t.Fatal(err)
		}
		before := len(ms.all())
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, n := range []*staffmail.Notifier{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				k, err := n.MailDigests(ctx)
				if err != nil {
					t.Error(err)
				}
				counts[i] = k
			}()
		}
		wg.Wait()
		if counts[0]+counts[1] != 3 {
			t.Fatalf("digests sent %v, want 3 in all (DC, Pittsburgh, default queue)", counts)
		}
		if k, err := a.MailDigests(ctx); err != nil || k != 0 {
			t.Fatalf("digest sent again the same day: %d %v", k, err)
		}
		digests := map[string]received{}
		for _, m := range ms.all()[before:] {
			digests[strings.Join(m.To, ",")] = m
		}
		dc := digests["ana@ohr.example,bo@ohr.example"].Data
		if !strings.Contains(dc, "DC-NEW1-AA  due 2026-12-20") || strings.Contains(dc, "DC-LATE-BB") {
			t.Errorf("DC digest should list DC-NEW1-AA and not the report due in March:\n%s", dc)
		}
		if pgh := digests["jo@pgh.example"].Data; !strings.Contains(pgh, "PGH-OVER-CC  due 2026-11-20 (overdue)") {
			t.Errorf("Pittsburgh digest should list its overdue report:\n%s", pgh)
		}
		if adm := digests["admin@rightsline.example"].Data; !strings.Contains(adm, "US-DFLT-DD") {
			t.Errorf("the admin's digest should list the default queue's report:\n%s", adm)
		}
		// Before the digest hour nothing is sent; the next day it is.
		now = time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
		if k, _ := a.MailDigests(ctx); k != 0 {
			t.Errorf("digest before the hour: %d", k)
		}
		now = now.Add(2 * time.Hour)
		if k, err := b.MailDigests(ctx); err != nil || k != 3 {
			t.Errorf("next day's digests: %d %v", k, err)
		}
	})
}

// TestSMTPRefusesWrongPassword: the sender's error names no secret.
func TestSMTPRefusesWrongPassword(t *testing.T) {
	t.Parallel()
	ms := startMailServer(t)
	host, port, _ := net.SplitHostPort(ms.addr)
	p := 0
	for _, c := range port {
		p = p*10 + int(c-'0')
	}
	snd, err := staffmail.NewSMTP(staffmail.SMTP{Host: host, Port: p, Username: "rightsline", Password: "wrong-secret", From: "c@example.org", TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	err = snd.Send(t.Context(), staffmail.Mail{To: []string{"a@example.org"}, Subject: "s", Body: "b"})
	if err == nil || strings.Contains(err.Error(), "wrong-secret") {
		t.Fatalf("send with a wrong password: %v", err)
	}
	if len(ms.all()) != 0 {
		t.Fatal("a mail was accepted without authentication")
	}
	if _, err := staffmail.NewSMTP(staffmail.SMTP{Host: host, Port: p, TLS: "sometimes"}); err == nil {
		t.Fatal("bad settings accepted")
	}
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
