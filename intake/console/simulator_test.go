package console

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestSimulatorReportsLabelled: a report filed through /try is marked as
// such in the queue and on its page; an SMS report is not.
func TestSimulatorReportsLabelled(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, _ *store.Store) {
		t.Parallel()
		b := setup(t, t.Name()[strings.LastIndex(t.Name(), "/")+1:])
		ctx := t.Context()
		var sim store.Report
		err := b.store.InTx(ctx, func(tx *store.Tx) error {
			c, err := tx.ContactForUpdate(ctx, SimulatorChannel, "sim-0123456789abcdef0123456789abcdef")
			if err != nil {
				return err
			}
			sim = store.Report{Reference: "TS-9999-SIM", ContactID: c.ID, Channel: SimulatorChannel, Lang: "en", Category: "housing",
				Narrative: "a test", ContactMethod: store.ContactThis, Consent: true, CommissionID: "dc-ohr"}
			return tx.InsertReport(ctx, &sim)
		})
		if err != nil {
			t.Fatal(err)
		}
		dc := b.login("dc")
		_, queue := dc.get(Path + "/reports")
		row := queue[strings.Index(queue, "TS-9999-SIM"):]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, ">simulator</span>") {
			t.Errorf("queue row of a simulator report is not labelled: %s", row)
		}
		smsRow := queue[strings.Index(queue, b.reports["dc"].Reference):]
		if smsRow = smsRow[:strings.Index(smsRow, "</tr>")]; strings.Contains(smsRow, "simulator") {
			t.Errorf("an SMS report is labelled simulator: %s", smsRow)
		}
		status, page := dc.get(fmt.Sprintf("%s/reports/%d", Path, sim.ID))
		if status != http.StatusOK || !strings.Contains(page, "Filed through the /try simulator") {
			t.Errorf("simulator report page: %d, no label", status)
		}
		if _, page := dc.get(fmt.Sprintf("%s/reports/%d", Path, b.reports["dc"].ID)); strings.Contains(page, "Filed through the /try simulator") {
			t.Error("an SMS report page carries the simulator label")
		}
	})
}
