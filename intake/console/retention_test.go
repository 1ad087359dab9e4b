package console

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

func TestRetentionPageShowsTheSchedule(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	b.console.cfg.Retention = store.Retention{Conversations: 30 * 24 * time.Hour, ClosedReportsBy: map[string]time.Duration{"dc-ohr": 730 * 24 * time.Hour}}
	dc := b.login("dc")
	status, body := dc.get(Path + "/retention")
	if status != http.StatusOK || !strings.Contains(body, "idle conversations and contacts with nothing left: 30 days") ||
		!strings.Contains(body, "Closed reports of dc-ohr: 730 days") || !strings.Contains(body, "by default: kept until erased") {
		t.Fatalf("retention page: %d\n%s", status, body)
	}
	if status, _ := b.newClient().get(Path + "/retention"); status == http.StatusOK {
		t.Fatal("the schedule page is open without signing in")
	}
}
