package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/emersion/go-smtp"

	"github.com/rightsline/rightsline/intake/publicstats"
	"github.com/rightsline/rightsline/intake/staffmail"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// inbox is a real SMTP server (emersion/go-smtp) on loopback that keeps
// every message it is given.
type inbox struct {
	mu   sync.Mutex
	msgs []string
	rcpt []string
}

func (in *inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &inboxSession{in: in}, nil }

type inboxSession struct {
	in *inbox
	to []string
}

func (s *inboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *inboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *inboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.in.mu.Lock()
	defer s.in.mu.Unlock()
	s.in.msgs = append(s.in.msgs, string(b))
	s.in.rcpt = append(s.in.rcpt, strings.Join(s.to, ","))
	return nil
}
func (s *inboxSession) Reset()        { s.to = nil }
func (s *inboxSession) Logout() error { return nil }

// TestBrowserDoneWhen is the "done when", on a 360 px phone:
// Pittsburgh staff find a report by typing its reference loosely, see
// that its landlord appears in two other reports (one theirs), close it as
// a duplicate, get an e-mail when the next report arrives, and the public
// statistics show no count under the threshold.
func TestBrowserDoneWhen(t *testing.T) {
	chromium := findChromium(t)
	ctx := t.Context()
	f := newPhoneFixture(t, nil)
	// Two more reports name the same landlord, written another way: one
	// in Pittsburgh (the original the new one repeats), one in DC.
	for _, spec := range []struct{ ref, commission, name string }{
		{"PGH-4R7G-01", "pghchr", "ALLEGHENY PROPERTY MANAGEMENT, INC."},
		{"DC-AP3M-02", "dc-ohr", "Allegheny Property Management"},
	} {
		r := store.Report{Reference: spec.ref, ContactID: f.contact.ID, Channel: "sms", Lang: "en", Category: "housing",
			Narrative: "n", RespondentType: "landlord", RespondentName: spec.name, ContactMethod: store.ContactThis, Consent: true,
			CommissionID: spec.commission, Jurisdiction: "pittsburgh-pa"}
		if err := f.st.InTx(ctx, func(tx *store.Tx) error { return tx.InsertReport(ctx, &r) }); err != nil {
			t.Fatal(err)
		}
		f.reports[spec.ref] = r
	}

	// E-mail: a loopback SMTP server, and the notifier running as serve
	// runs it. The reports so far were mailed already.
	in := &inbox{}
	srv := smtp.NewServer(in)
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	var p int
	fmt.Sscan(port, &p)
	snd, err := staffmail.NewSMTP(staffmail.SMTP{Host: host, Port: p, From: "console@rightsline.example", TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := staffmail.New(staffmail.Config{Store: f.st, Sender: snd, BaseURL: f.srv.URL, DigestHour: 23, Poll: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.MailNewReports(ctx); err != nil {
		t.Fatal(err)
	}
	in.mu.Lock()
	in.msgs, in.rcpt = nil, nil
	in.mu.Unlock()
	nctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { _ = n.Run(nctx) }()

	bctx := phoneBrowser(t, chromium)
	const jordan = "jordan.longname-for-wrapping@pittsburghpa.example.gov"
	f.signIn(t, bctx, jordan)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	// 1. Find the report by its reference, typed loosely.
	err = chromedp.Do(bctx,
		chromedp.SendKeys(css(`input[name=q]`), "pgh wct3 8m"),
		chromedp.Click(css(`form.search button[type=submit]`)),
		chromedp.WaitVisible(css(`form.close-form`)),
	)
	if err != nil {
		t.Fatalf("browser: search by reference: %v", err)
	}
	if h1 := mustRun(t, bctx, chromedp.Text(css(`main h1`))); !strings.Contains(h1, "PGH-WCT3-8M") {
		t.Fatalf("search landed on %q", h1)
	}
	checkPhonePage(t, bctx, f.srv.URL, fmt.Sprintf("/console/reports/%d", f.reports["pgh"].ID), "done-report")

	// 2. Its landlord appears in two other reports, one of them ours.
	pattern := mustRun(t, bctx, chromedp.Text(css(`.notice.pattern`)))
	if !strings.Contains(pattern, "2 other reports name this respondent (1 in your commission") {
		t.Errorf("pattern notice = %q", pattern)
	}
	if strings.Contains(mustRun(t, bctx, chromedp.OuterHTML(css(`main`))), "DC-AP3M-02") {
		t.Error("the report page reveals the DC report")
	}

	// 3. Close it as a duplicate of the Pittsburgh original, withholding
	// the resident's update.
	err = chromedp.Do(bctx,
		chromedp.SetValue(css(`form.close-form select[name=close_code]`), store.CloseDuplicate),
		chromedp.SendKeys(css(`form.close-form input[name=duplicate_of]`), "pgh-4r7g-01"),
		chromedp.SendKeys(css(`form.close-form input[name=reason]`), "same flat, filed twice"),
		chromedp.Click(css(`form.close-form button[type=submit]`)),
		chromedp.WaitVisible(css(`.flash`)),
	)
	if err != nil {
		t.Fatalf("browser: close as duplicate: %v", err)
	}
	notice := mustRun(t, bctx, chromedp.Text(css(`main`)))
	if !strings.Contains(notice, "Closed as a duplicate of PGH-4R7G-01") {
		t.Errorf("after closing, the page should name the original")
	}
	checkPhonePage(t, bctx, f.srv.URL, fmt.Sprintf("/console/reports/%d", f.reports["pgh"].ID), "done-closed")
	got, err := f.st.ReportByID(ctx, f.reports["pgh"].ID)
	if err != nil || got.Status != store.ReportClosed || got.DuplicateOf != f.reports["PGH-4R7G-01"].ID {
		t.Fatalf("report after close: %s duplicate of %d, %v", got.Status, got.DuplicateOf, err)
	}
	if q, _ := f.st.OutboundByContact(ctx, f.contact.ID); len(q) != 0 {
		t.Errorf("the withheld update was queued: %d rows", len(q))
	}

	// 4. The next report arrives: Jordan gets an e-mail with its
	// reference and link, nothing else.
	next := store.Report{Reference: "PGH-N3XT-9Z", ContactID: f.contact.ID, Channel: "sms", Lang: "en", Category: "housing",
		Narrative: "They shut off the heat", RespondentName: "Allegheny Property Management", ContactMethod: store.ContactThis, Consent: true,
		CommissionID: "pghchr", Jurisdiction: "pittsburgh-pa"}
	if err := f.st.InTx(ctx, func(tx *store.Tx) error { return tx.InsertReport(ctx, &next) }); err != nil {
		t.Fatal(err)
	}
	var mail, to string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && mail == ""; time.Sleep(50 * time.Millisecond) {
		in.mu.Lock()
		if len(in.msgs) > 0 {
			mail, to = in.msgs[0], in.rcpt[0]
		}
		in.mu.Unlock()
	}
	if mail == "" {
		t.Fatal("no e-mail arrived for the new report")
	}
	if to != jordan || !strings.Contains(mail, "PGH-N3XT-9Z") || !strings.Contains(mail, fmt.Sprintf("/console/reports/%d", next.ID)) {
		t.Errorf("e-mail to %q lacks the reference or link:\n%s", to, mail)
	}
	if strings.Contains(mail, "heat") || strings.Contains(mail, "Allegheny") {
		t.Error("the e-mail holds personal data")
	}

	// 5. Public statistics for Pittsburgh: no count under the threshold.
	if err := f.st.InTx(ctx, func(tx *store.Tx) error { return tx.SetCommissionPublicStats(ctx, "pghchr", true) }); err != nil {
		t.Fatal(err)
	}
	cat, _ := locales.Load()
	ps, err := publicstats.New(publicstats.Config{Store: f.st, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ps.Publish(ctx, "pghchr")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(pub)
	for _, c := range pub.Cells {
		if c.Count != nil && *c.Count < publicstats.DefaultThreshold {
			t.Errorf("published cell under the threshold: %s", b)
		}
	}
	if pub.All.Count != nil && *pub.All.Count < publicstats.DefaultThreshold {
		t.Errorf("published total under the threshold: %s", b)
	}
}
