// Package staffmail tells commission staff by e-mail when a report
// arrives for their commission, and once a day which of their open
// reports have a filing deadline within DigestWindow. Every e-mail holds a
// report's reference and a link to it in the console, nothing else: no
// name, no narrative, no contact, since e-mail leaves the service's
// control. Sending goes through SMTP (github.com/wneessen/go-mail).
//
// Many instances may run it at once: a new report is claimed by one
// instance (a lease in the store; released if sending fails, taken over if
// the instance dies) and marked mailed once sent; the digest of one
// commission is claimed once per UTC day (store.ClaimDaily).
package staffmail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/rightsline/rightsline/store"
)

// DigestWindow is how far ahead the daily digest looks for deadlines.
const DigestWindow = 30 * 24 * time.Hour

// Mail is one e-mail to send.
type Mail struct {
	To      []string
	Subject string
	Body    string
}

// Sender sends e-mail (SMTP is one; tests may record).
type Sender interface {
	Send(ctx context.Context, mails ...Mail) error
}

// Config is what the notifier needs.
type Config struct {
	Store  *store.Store
	Sender Sender
	// BaseURL is the service's public address; links are
	// BaseURL/console/reports/ID.
	BaseURL string
	// DigestHour is the UTC hour from which the day's digest is sent.
	DigestHour int
	// Poll is how often new reports are looked for (default 30 s).
	Poll time.Duration
	Log  *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Notifier sends the new-report mails and the daily digests.
type Notifier struct {
	cfg Config
}

// New checks cfg and returns a Notifier.
func New(cfg Config) (*Notifier, error) {
	if cfg.Store == nil || cfg.Sender == nil {
		return nil, errors.New("staffmail: Store and Sender are required")
	}
	if _, err := url.Parse(cfg.BaseURL); err != nil || !strings.HasPrefix(cfg.BaseURL, "http") {
		return nil, fmt.Errorf("staffmail: base URL %q is not an http(s) address", cfg.BaseURL)
	}
	if cfg.DigestHour < 0 || cfg.DigestHour > 23 {
		return nil, fmt.Errorf("staffmail: digest hour %d is not 0–23", cfg.DigestHour)
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 30 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Notifier{cfg: cfg}, nil
}

// Run mails new reports and digests every Poll until ctx ends.
func (n *Notifier) Run(ctx context.Context) error {
	t := time.NewTicker(n.cfg.Poll)
	defer t.Stop()
	for {
		if _, err := n.MailNewReports(ctx); err != nil && ctx.Err() == nil {
			n.cfg.Log.Error("staffmail: new reports", "err", err)
		}
		if _, err := n.MailDigests(ctx); err != nil && ctx.Err() == nil {
			n.cfg.Log.Error("staffmail: digests", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// mailLease is how long a claimed report is this instance's to mail.
const mailLease = 5 * time.Minute

// MailNewReports mails the staff of each new report's commission (the
// admins for the default queue) and returns how many reports it mailed.
// A report whose mail fails is released and tried again at the next poll.
func (n *Notifier) MailNewReports(ctx context.Context) (int, error) {
	claimed, err := n.cfg.Store.ClaimReportMail(ctx, 50, mailLease)
	if err != nil || len(claimed) == 0 {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, r := range claimed {
		to, err := n.recipients(ctx, r.CommissionID)
		if err == nil && len(to) > 0 {
			err = n.cfg.Sender.Send(ctx, Mail{To: to, Subject: "New report " + r.Reference,
				Body: "A new report was routed to " + n.queueName(ctx, r.CommissionID) + ".\n\n" +
					"Reference: " + r.Reference + "\n" + n.link(r.ID) + "\n\n" +
					"Sign in to the console to read it. This e-mail holds no details of the report on purpose.\n"})
		}
		if err != nil {
			errs = append(errs, err)
			if rerr := n.cfg.Store.ReleaseReportMail(ctx, r.ID); rerr != nil {
				errs = append(errs, rerr)
			}
			continue
		}
		if err := n.cfg.Store.MarkReportMailed(ctx, r.ID); err != nil {
			errs = append(errs, err)
			continue
		}
		sent++
	}
	return sent, errors.Join(errs...)
}

// MailDigests sends each commission's daily digest once a day (UTC),
// from DigestHour on, on whichever instance claims it first, and returns
// how many digests it sent. A commission with nothing due gets none.
func (n *Notifier) MailDigests(ctx context.Context) (int, error) {
	now := n.cfg.Now().UTC()
	if now.Hour() < n.cfg.DigestHour {
		return 0, nil
	}
	day := now.Format(time.DateOnly)
	comms, err := n.cfg.Store.Commissions(ctx)
	if err != nil {
		return 0, err
	}
	scopes := []string{store.ScopeDefaultQueue}
	for _, c := range comms {
		scopes = append(scopes, c.ID)
	}
	sent := 0
	var errs []error
	for _, scope := range scopes {
		name := "digest:" + scope
		ok, err := n.cfg.Store.ClaimDaily(ctx, name, day)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue // another instance (or an earlier poll) has it
		}
		if err := n.digest(ctx, scope, now); err != nil {
			errs = append(errs, err)
			if rerr := n.cfg.Store.ReleaseDaily(ctx, name, day); rerr != nil {
				errs = append(errs, rerr)
			}
			continue
		}
		sent++
	}
	return sent, errors.Join(errs...)
}

// digest mails one commission's reports due within DigestWindow (and
// those overdue), most urgent first.
func (n *Notifier) digest(ctx context.Context, scope string, now time.Time) error {
	items, err := n.cfg.Store.ConsoleQueue(ctx, store.QueueFilter{Scope: scope, Status: "open",
		DeadlineBy: now.Add(DigestWindow).Format(time.DateOnly), Limit: 200})
	if err != nil || len(items) == 0 {
		return err
	}
	to, err := n.recipients(ctx, scope)
	if err != nil || len(to) == 0 {
		return err
	}
	today := now.Format(time.DateOnly)
	var b strings.Builder
	fmt.Fprintf(&b, "Open reports of %s with a filing deadline within 30 days (%d):\n\n", n.queueName(ctx, scope), len(items))
	for _, it := range items {
		mark := ""
		if it.Deadline < today {
			mark = " (overdue)"
		}
		fmt.Fprintf(&b, "%s  due %s%s\n  %s\n", it.Reference, it.Deadline, mark, n.link(it.ID))
	}
	b.WriteString("\nThis e-mail holds no details of the reports on purpose.\n")
	return n.cfg.Sender.Send(ctx, Mail{To: to, Subject: fmt.Sprintf("Deadlines: %d reports due within 30 days", len(items)), Body: b.String()})
}

// recipients are the active staff of commission, or the admins for the
// default queue, by e-mail, sorted.
func (n *Notifier) recipients(ctx context.Context, commission string) ([]string, error) {
	staff, err := n.cfg.Store.AssignableStaff(ctx, commission)
	if err != nil {
		return nil, err
	}
	var to []string
	for _, st := range staff {
		if !st.Active || st.Role == store.RoleTranslator {
			continue
		}
		// Admins hear about the default queue; staff about their own.
		if (commission == "" && st.IsAdmin()) || (commission != "" && st.CommissionID == commission) {
			to = append(to, st.Email)
		}
	}
	sort.Strings(to)
	return to, nil
}

// queueName names a commission (its public name) or the default queue.
func (n *Notifier) queueName(ctx context.Context, commission string) string {
	if commission == "" {
		return "the default queue"
	}
	if c, err := n.cfg.Store.CommissionByID(ctx, commission); err == nil {
		return c.Name
	}
	return commission
}

// link is a report's page in the console.
func (n *Notifier) link(id int64) string {
	return fmt.Sprintf("%s/console/reports/%d", n.cfg.BaseURL, id)
}
