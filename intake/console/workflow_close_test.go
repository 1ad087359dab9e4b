package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestCloseFromAnyStatusAndReopen: a new report is closed as a duplicate
// of another by its reference as typed, another as spam, both without
// telling the resident; bad duplicate links are refused; the original
// lists its duplicate; a reopen needs a reason and clears the link.
func TestCloseFromAnyStatusAndReopen(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, _ *store.Store) {
		t.Parallel()
		b := setup(t, t.Name()[strings.LastIndex(t.Name(), "/")+1:])
		orig := b.reports["dc"]
		dup := b.addReport("dup", "DC-DUPX-01", "dc-ohr", "Acme", "housing")
		dc := b.login("dc")
		status := func(rep store.Report, form url.Values) (int, string) {
			t.Helper()
			dc.get(reportURL(rep.ID))
			s, _, body := dc.post(reportURL(rep.ID)+"/status", form)
			return s, body
		}
		for _, bad := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"status": {"closed"}}, "Say why the report is closed"},
			{url.Values{"status": {"closed"}, "close_code": {"bored"}}, "Say why the report is closed"},
			{url.Values{"status": {"closed"}, "close_code": {"duplicate"}}, "Give the reference"},
			{url.Values{"status": {"closed"}, "close_code": {"duplicate"}, "duplicate_of": {"dc dupx 01"}}, "cannot be a duplicate of itself"},
			{url.Values{"status": {"closed"}, "close_code": {"duplicate"}, "duplicate_of": {b.reports["pgh"].Reference}}, "No report of yours"},
		} {
			if s, body := status(dup, bad.form); s != http.StatusBadRequest || !strings.Contains(body, bad.want) {
				t.Errorf("close %v: %d, want 400 saying %q", bad.form, s, bad.want)
			}
		}
		typed := strings.ToLower(strings.ReplaceAll(orig.Reference, "-", " "))
		if s, body := status(dup, url.Values{"status": {"closed"}, "from": {"new"}, "close_code": {"duplicate"}, "duplicate_of": {typed}, "reason": {"same locks"}}); s != http.StatusSeeOther {
			t.Fatalf("close new report as duplicate: %d %s", s, body)
		}
		got := b.reload("dup")
		if got.Status != store.ReportClosed || got.CloseCode != store.CloseDuplicate || got.DuplicateOf != orig.ID || got.CloseReason != "same locks" {
			t.Fatalf("duplicate = %s %s of %d %q", got.Status, got.CloseCode, got.DuplicateOf, got.CloseReason)
		}
		if s, _ := status(b.reports["dcNone"], url.Values{"status": {"closed"}, "close_code": {"spam"}}); s != http.StatusSeeOther {
			t.Fatalf("close new report as spam: %d", s)
		}
		if len(b.notified) != 0 {
			t.Errorf("withheld updates were queued: %v", b.notified)
		}
		_, page := dc.get(reportURL(orig.ID))
		if !strings.Contains(page, "Duplicates of this report:") || !strings.Contains(page, "DC-DUPX-01") {
			t.Errorf("the original should list its duplicate")
		}
		_, page = dc.get(reportURL(dup.ID))
		if !strings.Contains(page, "Closed as a duplicate of") || !strings.Contains(page, orig.Reference) || !strings.Contains(page, "Duplicate of another report") {
			t.Errorf("the duplicate's page should name the original")
		}
		if s, body := status(dup, url.Values{"status": {"in_review"}}); s != http.StatusBadRequest || !strings.Contains(body, "Say why the report is reopened") {
			t.Errorf("reopen without reason: %d", s)
		}
		if s, _ := status(dup, url.Values{"status": {"in_review"}, "reason": {"not the same flat after all"}, "notify": {"1"}}); s != http.StatusSeeOther {
			t.Fatalf("reopen: %d", s)
		}
		got = b.reload("dup")
		if got.Status != store.ReportInReview || got.DuplicateOf != 0 || got.CloseCode != "" {
			t.Errorf("reopened = %s, duplicate of %d, code %q", got.Status, got.DuplicateOf, got.CloseCode)
		}
		if want := fmt.Sprintf("[%d update.status.in_review es]", dup.ID); fmt.Sprint(b.notified) != want {
			t.Errorf("reopen update = %v, want %s", b.notified, want)
		}
		if n := b.count("report_events", "report_id = $1 AND kind = 'status' AND (detail LIKE 'Duplicate of another report%' OR detail LIKE 'reopened: not the same%')", dup.ID); n != 2 {
			t.Errorf("history has %d of the close and reopen events, want 2", n)
		}
	})
}

// TestUndeliverableUpdateRefused: with the real intake sender, an update
// that could never arrive (SMS off, an opted-out resident, a number SMS
// cannot reach) is refused with the reason and nothing is queued; one that
// can is queued about its report, and when it fails the report page says
// so.
func TestUndeliverableUpdateRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, _ *store.Store) {
		t.Parallel()
		smsOn := false
		b := setupWith(t, t.Name()[strings.LastIndex(t.Name(), "/")+1:], func(b *bundle, c *Config) {
			cat, err := embeddedCatalog()
			if err != nil {
				t.Fatal(err)
			}
			svc := intake.NewService(b.store, cat)
			svc.ChannelOn = func(ch string) bool { return ch != "sms" || smsOn }
			c.Notify = svc.NotifyResident
			c.Deliverable = svc.DeliverableReason
			c.Preview = func(r store.Report, l locales.Lang, id string) (string, error) { return svc.RenderUpdate(r, l, id) }
		})
		ctx := t.Context()
		other := b.reports["dc"]
		other.ContactMethod, other.ContactPhone = store.ContactOther, "+12025550199"
		if _, err := b.store.DB().ExecContext(ctx, "UPDATE reports SET contact_method = 'other', contact_phone = $1 WHERE id = $2", other.ContactPhone, other.ID); err != nil {
			t.Fatal(err)
		}
		dc := b.login("dc")
		send := func() (int, string) {
			t.Helper()
			dc.get(reportURL(other.ID))
			s, _, body := dc.post(reportURL(other.ID)+"/updates", url.Values{"template": {"update.general"}})
			return s, body
		}
		if s, body := send(); s != http.StatusBadRequest || !strings.Contains(body, "SMS is off in this service") {
			t.Errorf("update with SMS off: %d, want 400 with the reason", s)
		}
		if _, page := dc.get(reportURL(other.ID)); !strings.Contains(page, "No update can reach the resident: SMS is off") {
			t.Errorf("report page should warn before anyone tries")
		}
		smsOn = true
		if s, _, _ := dc.post(reportURL(other.ID)+"/status", url.Values{"status": {"in_review"}, "notify": {"1"}}); s != http.StatusSeeOther {
			t.Fatalf("status with a deliverable update: %d", s)
		}
		var contactID int64
		if err := b.store.DB().QueryRowContext(ctx, "SELECT contact_id FROM outbox WHERE report_id = $1", other.ID).Scan(&contactID); err != nil {
			t.Fatalf("the update about the report is not in the outbox: %v", err)
		}
		err := b.store.InTx(ctx, func(tx *store.Tx) error { return tx.SetContactOptedOut(ctx, contactID, true) })
		if err != nil {
			t.Fatal(err)
		}
		if s, body := send(); s != http.StatusBadRequest || !strings.Contains(body, "opted out") {
			t.Errorf("update to an opted-out resident: %d, want 400", s)
		}
		if s, _, body := dc.post(reportURL(other.ID)+"/status", url.Values{"status": {"accepted"}, "notify": {"1"}}); s != http.StatusBadRequest || !strings.Contains(body, "The status was not changed") {
			t.Errorf("status change with an undeliverable update: %d", s)
		}
		if got := b.reload("dc"); got.Status != store.ReportInReview {
			t.Errorf("status changed to %s although its update was refused", got.Status)
		}
		if _, err := b.store.DB().ExecContext(ctx, "UPDATE reports SET contact_phone = '555-0199' WHERE id = $1", other.ID); err != nil {
			t.Fatal(err)
		}
		if s, body := send(); s != http.StatusBadRequest || !strings.Contains(body, "not a phone number") {
			t.Errorf("update to a number SMS cannot reach: %d", s)
		}
		if n := b.count("outbox", "report_id = $1", other.ID); n != 1 {
			t.Errorf("outbox rows about the report = %d, want only the one that could be sent", n)
		}
		if _, err := b.store.DB().ExecContext(ctx, "UPDATE outbox SET status = 'failed', last_error = 'twilio 21610: unsubscribed recipient' WHERE report_id = $1", other.ID); err != nil {
			t.Fatal(err)
		}
		_, page := dc.get(reportURL(other.ID))
		if !strings.Contains(page, "1 update to the resident did not arrive") || !strings.Contains(page, "not delivered</strong>: twilio 21610") {
			t.Errorf("report page should show the failed delivery")
		}
	})
}
