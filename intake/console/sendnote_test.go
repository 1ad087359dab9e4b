package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestSendNote: when the resident's channel sends an update other than as
// written (a WhatsApp template outside the 24-hour window), the report
// page says so by that update and by the status change that sends one;
// an update that cannot go is offered disabled, and posting it (or a
// status change that would send it) is refused and queues nothing.
func TestSendNote(t *testing.T) {
	t.Parallel()
	b := setupWith(t, storetest.SQLite, func(b *bundle, c *Config) {
		c.SendNote = func(ctx context.Context, tx *store.Tx, r store.Report, templateID string) (string, string) {
			switch templateID {
			case "update.general", "update.status.closed":
				return "Goes as the WhatsApp template HX" + strings.Repeat("0", 31) + "1 (" + templateID + ").", ""
			case "update.request_info", "update.status.in_review":
				return "", "no approved template for " + templateID
			}
			return "", ""
		}
	})
	dc := b.login("dc")
	r := b.reports["dc"]
	_, page := dc.get(reportURL(r.ID))
	for _, want := range []string{
		"Goes as the WhatsApp template HX" + strings.Repeat("0", 31) + "1 (update.general).",
		"Cannot be sent now: no approved template for update.status.in_review; untick",
		"Cannot be sent now: no approved template for update.request_info.",
		`value="update.request_info" disabled`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the report page does not say %q", want)
		}
	}
	if s, _, body := dc.post(reportURL(r.ID)+"/updates", url.Values{"template": {"update.request_info"}}); s != http.StatusBadRequest || !strings.Contains(body, "no approved template for update.request_info") {
		t.Fatalf("a refused update: %d; want 400 saying why", s)
	}
	if s, _, _ := dc.post(reportURL(r.ID)+"/updates", url.Values{"template": {"update.general"}}); s != http.StatusSeeOther {
		t.Fatalf("an update that goes as a template: %d", s)
	}
	if s, _, body := dc.post(reportURL(r.ID)+"/status", url.Values{"from": {r.Status}, "status": {store.ReportInReview}, "notify": {"1"}}); s != http.StatusBadRequest || !strings.Contains(body, "no approved template for update.status.in_review") {
		t.Fatalf("a status change whose update cannot go: %d; want 400 saying why:\n%s", s, body)
	}
	if got := b.reload("dc"); got.Status != r.Status {
		t.Fatalf("status changed to %s", got.Status)
	}
	if want := []string{fmt.Sprintf("%d update.general es", r.ID)}; fmt.Sprint(b.notified) != fmt.Sprint(want) {
		t.Fatalf("queued %v; want %v", b.notified, want)
	}
}
