package console

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/rightsline/rightsline/store"
)

// respondentPattern is what the report page says about its respondent:
// how many other reports name them, and how many of those the member may
// open. Nothing else of other commissions' reports is shown.
type respondentPattern struct {
	Others, Yours int
	// Where names the member's part: "your commission", or for an admin
	// "this report's commission".
	Where string
	// ListURL lists the member's reports naming the respondent.
	ListURL string
}

// pattern counts the reports naming rep's respondent (nil without one).
func (c *Console) pattern(r *http.Request, s *session, rep store.Report) (*respondentPattern, error) {
	key, others, in, err := c.store.RespondentPattern(r.Context(), rep.ID, rep.CommissionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p := &respondentPattern{Others: others, Yours: in, Where: "your commission"}
	q := url.Values{"rk": {key}, "status": {"all"}}
	if s.Staff.IsAdmin() {
		p.Where = "this report's commission"
		if rep.CommissionID == "" {
			p.Where = "the default queue"
			q.Set("commission", defaultQueueParam)
		} else {
			q.Set("commission", rep.CommissionID)
		}
	}
	p.ListURL = Path + "/reports?" + q.Encode()
	return p, nil
}

// patternWindow is how far back the Patterns page looks.
const patternWindow = 365 * 24 * time.Hour

// patternRow is one line of the Patterns page.
type patternRow struct {
	store.Pattern
	Name, Type, ListURL string
}

// patternsPage is the data of the patterns template.
type patternsPage struct {
	Rows        []patternRow
	Commission  string
	Commissions []option
	Since       string
}

// patterns lists the respondents named by two or more of the member's
// reports in the last twelve months, by category: what a commission looks
// for in systemic cases. Names come from the member's own reports only;
// the list is audited.
func (c *Console) patterns(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	param := r.URL.Query().Get("commission")
	scope, err := requestedScope(s.Staff, param)
	if err != nil {
		return err
	}
	since := c.now().Add(-patternWindow)
	ps, err := c.store.Patterns(ctx, scope, since, 2, 200)
	if err != nil {
		return err
	}
	err = c.store.InTx(ctx, func(tx *store.Tx) error {
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: "patterns.view", Detail: "scope " + orAll(scope), IP: s.IP})
	})
	if err != nil {
		return err
	}
	page := patternsPage{Commission: param, Since: since.Format(time.DateOnly)}
	lab := c.labelerFor(&s.Staff)
	for _, p := range ps {
		q := url.Values{"rk": {p.RespondentKey}, "status": {"all"}, "category": {p.Category}}
		if param != "" {
			q.Set("commission", param)
		}
		page.Rows = append(page.Rows, patternRow{Pattern: p, Name: p.Latest.RespondentName, Type: lab.label("who", p.Latest.RespondentType),
			ListURL: Path + "/reports?" + q.Encode()})
	}
	if s.Staff.IsAdmin() {
		if page.Commissions, err = c.commissionOptions(r); err != nil {
			return err
		}
	}
	c.render(w, r, s, http.StatusOK, "patterns", page)
	return nil
}

func orAll(scope string) string {
	switch scope {
	case store.ScopeAll:
		return "all"
	case store.ScopeDefaultQueue:
		return "default queue"
	}
	return scope
}

// respondentKeyRE is a respondent_key as it appears in links.
var respondentKeyRE = regexp.MustCompile(`^[0-9a-f]{64}$`)
