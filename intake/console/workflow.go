package console

import "github.com/rightsline/rightsline/store"

// transitions is the report workflow: new → in review → accepted or
// referred; any open report can be closed with a reason (closeLabels),
// and a closed one reopened (back to in review) with a reason.
var transitions = map[string][]string{
	store.ReportNew:      {store.ReportInReview, store.ReportClosed},
	store.ReportInReview: {store.ReportAccepted, store.ReportReferred, store.ReportClosed},
	store.ReportAccepted: {store.ReportClosed},
	store.ReportReferred: {store.ReportClosed},
	store.ReportClosed:   {store.ReportInReview},
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

// closeLabels name the reasons a report is closed for, in the order
// offered (store.CloseCodes).
var closeLabels = map[string]string{
	store.CloseResolved:       "Resolved",
	store.CloseReferred:       "Referred elsewhere",
	store.CloseWithdrawn:      "Withdrawn by the resident",
	store.CloseDuplicate:      "Duplicate of another report",
	store.CloseSpam:           "Spam or a test",
	store.CloseNoJurisdiction: "Not in our jurisdiction",
}

func closeLabel(code string) string {
	if l, ok := closeLabels[code]; ok {
		return l
	}
	return code
}

// statusTemplate is the resident update sent when a report reaches
// status (reopening sends the in-review one).
func statusTemplate(status string) string { return "update.status." + status }

// maxCloseReason bounds the close or reopen note, which staff write for
// staff.
const maxCloseReason = 500
