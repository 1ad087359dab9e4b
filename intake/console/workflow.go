package console

import "github.com/rightsline/rightsline/store"

// transitions is the report workflow: new → in review → accepted or
// referred → closed (with a reason). Nothing leaves closed.
var transitions = map[string][]string{
	store.ReportNew:      {store.ReportInReview},
	store.ReportInReview: {store.ReportAccepted, store.ReportReferred},
	store.ReportAccepted: {store.ReportClosed},
	store.ReportReferred: {store.ReportClosed},
}

// canMove reports whether the workflow allows from → to.
func canMove(from, to string) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// statusTemplate is the resident update sent when a report reaches
// status.
func statusTemplate(status string) string { return "update.status." + status }

// maxCloseReason bounds the close reason, which staff write for staff.
const maxCloseReason = 500
