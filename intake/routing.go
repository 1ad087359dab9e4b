package intake

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/rightsline/rightsline/intake/jurisdiction"
	"github.com/rightsline/rightsline/locales"
)

//go:embed routing.yaml
var routingFile []byte

// Commission is an agency that reviews reports in the staff console.
type Commission struct {
	ID           string `yaml:"id"`
	Name         string `yaml:"name"`
	Jurisdiction string `yaml:"jurisdiction"`
	Contact      string `yaml:"contact"`
	// Reviewed is the month ("2026-11") the contact was last checked;
	// residents see it beside the contact.
	Reviewed  string   `yaml:"reviewed"`
	Languages []string `yaml:"languages"`
	// Deadlines are the filing time limits the commission applies.
	Deadlines []string `yaml:"deadlines"`
}

// Referral is an agency a resident is told about (HUD, EEOC, DOJ, Oregon
// BOLI) that does not use the console.
type Referral struct {
	ID      string `yaml:"id"`
	Name    string `yaml:"name"`
	Contact string `yaml:"contact"`
	// Reviewed is the month the contact was last checked.
	Reviewed string `yaml:"reviewed"`
}

// DeadlineRule is one filing time limit, counted from the incident date.
// Stored as JSON in commissions.deadlines_json:
// [{"id":"hcrc-180d","days":180,"rule":"HCRC: 180 days (HRS 368-11)"}].
type DeadlineRule struct {
	ID    string `yaml:"id" json:"id"`
	Days  int    `yaml:"days" json:"days,omitempty"`
	Years int    `yaml:"years" json:"years,omitempty"`
	// Rule says the limit and its source, for staff.
	Rule string `yaml:"rule" json:"rule"`
}

// From returns the last day to file for an incident on date. A year from
// February 29 ends on February 28, never March 1: a deadline must not run
// past the limit.
func (d DeadlineRule) From(date time.Time) time.Time {
	t := date.AddDate(d.Years, 0, 0)
	if t.Day() != date.Day() {
		t = t.AddDate(0, 0, -t.Day()) // overflowed into the next month: last day of the intended one
	}
	return t.AddDate(0, 0, d.Days)
}

// Rule routes reports of some categories in one jurisdiction.
type Rule struct {
	ID           string   `yaml:"id"`
	Jurisdiction string   `yaml:"jurisdiction"`
	Categories   []string `yaml:"categories"`
	Commission   string   `yaml:"commission"`
	Referral     string   `yaml:"referral"`
	Deadlines    []string `yaml:"deadlines"`
	Reason       string   `yaml:"reason"`
}

type defaultRule struct {
	Category  string   `yaml:"category"`
	Referral  string   `yaml:"referral"`
	Deadlines []string `yaml:"deadlines"`
	Reason    string   `yaml:"reason"`
}

// Decision is where a report goes and why.
type Decision struct {
	// CommissionID is the commission whose staff review the report, or ""
	// for the default queue.
	CommissionID string
	// Rule is the ID of the rule that matched ("dc/housing", or
	// "default/housing" when none did); every report stores it.
	Rule string
	// Reason explains the decision to staff.
	Reason string
	// Referral is the agency the resident is told about ("hud", "boli"),
	// or "".
	Referral string
	// Deadlines are the filing limits that apply; the report's deadline is
	// the earliest of them.
	Deadlines []DeadlineRule
}

// DefaultRulePrefix starts the rule ID of a report no rule matched.
const DefaultRulePrefix = "default/"

// Routing is the parsed routing data.
type Routing struct {
	Reviewed    string
	Commissions []Commission
	Referrals   []Referral
	rules       []Rule
	defaults    map[string]defaultRule
	deadlines   map[string]DeadlineRule
	commissions map[string]Commission
	referrals   map[string]Referral
}

var routing = mustParseRouting(routingFile)

func mustParseRouting(buf []byte) *Routing {
	r, err := ParseRouting(buf)
	if err != nil {
		panic("intake: routing.yaml: " + err.Error())
	}
	return r
}

// ParseRouting reads and checks a routing data file: unique IDs, known
// categories, commissions, referrals and deadlines, exactly one default per
// category, and no two rules for the same jurisdiction and category.
func ParseRouting(buf []byte) (*Routing, error) {
	var doc struct {
		Reviewed    string         `yaml:"reviewed"`
		Deadlines   []DeadlineRule `yaml:"deadlines"`
		Commissions []Commission   `yaml:"commissions"`
		Referrals   []Referral     `yaml:"referrals"`
		Rules       []Rule         `yaml:"rules"`
		Defaults    []defaultRule  `yaml:"defaults"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(buf)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	r := &Routing{
		Reviewed: doc.Reviewed, Commissions: doc.Commissions, Referrals: doc.Referrals, rules: doc.Rules,
		defaults: map[string]defaultRule{}, deadlines: map[string]DeadlineRule{},
		commissions: map[string]Commission{}, referrals: map[string]Referral{},
	}
	for _, d := range doc.Deadlines {
		if d.ID == "" || d.Rule == "" || (d.Days <= 0 && d.Years <= 0) {
			return nil, fmt.Errorf("deadline %q needs id, rule and days or years", d.ID)
		}
		if _, dup := r.deadlines[d.ID]; dup {
			return nil, fmt.Errorf("deadline %q twice", d.ID)
		}
		r.deadlines[d.ID] = d
	}
	checkDeadlines := func(where string, ids []string) error {
		for _, id := range ids {
			if _, ok := r.deadlines[id]; !ok {
				return fmt.Errorf("%s: unknown deadline %q", where, id)
			}
		}
		return nil
	}
	for _, c := range doc.Commissions {
		if c.ID == "" || c.Name == "" || c.Jurisdiction == "" {
			return nil, fmt.Errorf("commission %q needs id, name and jurisdiction", c.ID)
		}
		if c.Contact != "" && !validMonth(c.Reviewed) {
			return nil, fmt.Errorf("commission %q: a contact needs reviewed: YYYY-MM (got %q)", c.ID, c.Reviewed)
		}
		if _, dup := r.commissions[c.ID]; dup {
			return nil, fmt.Errorf("commission %q twice", c.ID)
		}
		for _, l := range c.Languages {
			if _, ok := locales.ParseLang(l); !ok {
				return nil, fmt.Errorf("commission %q: unknown language %q", c.ID, l)
			}
		}
		if err := checkDeadlines("commission "+c.ID, c.Deadlines); err != nil {
			return nil, err
		}
		r.commissions[c.ID] = c
	}
	for _, f := range doc.Referrals {
		if f.ID == "" || f.Name == "" {
			return nil, fmt.Errorf("referral %q needs id and name", f.ID)
		}
		if f.Contact != "" && !validMonth(f.Reviewed) {
			return nil, fmt.Errorf("referral %q: a contact needs reviewed: YYYY-MM (got %q)", f.ID, f.Reviewed)
		}
		if _, dup := r.referrals[f.ID]; dup {
			return nil, fmt.Errorf("referral %q twice", f.ID)
		}
		r.referrals[f.ID] = f
	}
	seenRule := map[string]bool{}
	covered := map[string]string{}
	for _, ru := range doc.Rules {
		if ru.ID == "" || ru.Jurisdiction == "" || ru.Reason == "" || len(ru.Categories) == 0 {
			return nil, fmt.Errorf("rule %q needs id, jurisdiction, categories and reason", ru.ID)
		}
		if strings.HasPrefix(ru.ID, DefaultRulePrefix) || seenRule[ru.ID] {
			return nil, fmt.Errorf("rule id %q is taken", ru.ID)
		}
		seenRule[ru.ID] = true
		if _, ok := jurisdiction.ByID(ru.Jurisdiction); !ok {
			return nil, fmt.Errorf("rule %q: unknown jurisdiction %q (see jurisdiction/jurisdictions.yaml)", ru.ID, ru.Jurisdiction)
		}
		if ru.Commission == "" && ru.Referral == "" {
			return nil, fmt.Errorf("rule %q goes nowhere: give commission or referral", ru.ID)
		}
		if _, ok := r.commissions[ru.Commission]; ru.Commission != "" && !ok {
			return nil, fmt.Errorf("rule %q: unknown commission %q", ru.ID, ru.Commission)
		}
		if _, ok := r.referrals[ru.Referral]; ru.Referral != "" && !ok {
			return nil, fmt.Errorf("rule %q: unknown referral %q", ru.ID, ru.Referral)
		}
		if err := checkDeadlines("rule "+ru.ID, ru.Deadlines); err != nil {
			return nil, err
		}
		for _, c := range ru.Categories {
			if !ValidCategory(c) {
				return nil, fmt.Errorf("rule %q: unknown category %q", ru.ID, c)
			}
			key := ru.Jurisdiction + "×" + c
			if prev, dup := covered[key]; dup {
				return nil, fmt.Errorf("rules %q and %q both route %s %s", prev, ru.ID, ru.Jurisdiction, c)
			}
			covered[key] = ru.ID
		}
	}
	for _, d := range doc.Defaults {
		if !ValidCategory(d.Category) {
			return nil, fmt.Errorf("default: unknown category %q", d.Category)
		}
		if _, dup := r.defaults[d.Category]; dup {
			return nil, fmt.Errorf("default for %q twice", d.Category)
		}
		if _, ok := r.referrals[d.Referral]; d.Referral != "" && !ok {
			return nil, fmt.Errorf("default %q: unknown referral %q", d.Category, d.Referral)
		}
		if err := checkDeadlines("default "+d.Category, d.Deadlines); err != nil {
			return nil, err
		}
		r.defaults[d.Category] = d
	}
	for _, c := range Categories {
		if _, ok := r.defaults[c]; !ok {
			return nil, fmt.Errorf("no default for category %q", c)
		}
	}
	return r, nil
}

func validMonth(s string) bool {
	_, err := time.Parse("2006-01", s)
	return err == nil
}

// DefaultRouting returns the embedded routing data.
func DefaultRouting() *Routing { return routing }

// Route decides where a report of category from jurisdiction goes, using
// the embedded routing data.
func Route(jurisdiction, category string) Decision { return routing.Route(jurisdiction, category) }

// Route decides where a report of category from place goes: the rule of
// the place itself, else of the next wider place that has one (Mountain
// View → California, Pittsburgh → Allegheny County → Pennsylvania), else
// the default for the category. An unknown category is routed as Other.
func (r *Routing) Route(place, category string) Decision {
	if !ValidCategory(category) {
		category = Other
	}
	for _, j := range jurisdiction.Chain(place) {
		for _, ru := range r.rules {
			if ru.Jurisdiction == j.ID && slices.Contains(ru.Categories, category) {
				return Decision{CommissionID: ru.Commission, Rule: ru.ID, Reason: ru.Reason, Referral: ru.Referral, Deadlines: r.deadlineRules(ru.Deadlines)}
			}
		}
	}
	d := r.defaults[category]
	return Decision{Rule: DefaultRulePrefix + category, Reason: d.Reason, Referral: d.Referral, Deadlines: r.deadlineRules(d.Deadlines)}
}

func (r *Routing) deadlineRules(ids []string) []DeadlineRule {
	out := make([]DeadlineRule, 0, len(ids))
	for _, id := range ids {
		out = append(out, r.deadlines[id])
	}
	return out
}

// Commission returns the commission with the given ID.
func (r *Routing) Commission(id string) (Commission, bool) { c, ok := r.commissions[id]; return c, ok }

// Referral returns the referral agency with the given ID.
func (r *Routing) Referral(id string) (Referral, bool) { f, ok := r.referrals[id]; return f, ok }

// Rules lists the routing rules in file order.
func (r *Routing) Rules() []Rule { return r.rules }

// Deadline returns the filing deadline for an incident on incidentDate
// ('YYYY-MM-DD'): the earliest of the decision's limits, and the rule that
// set it. It returns "" when the date is unknown or no limit applies.
func (d Decision) Deadline(incidentDate string) (date, rule string) {
	t, err := time.Parse(time.DateOnly, incidentDate)
	if err != nil || len(d.Deadlines) == 0 {
		return "", ""
	}
	var best time.Time
	for _, dl := range d.Deadlines {
		if due := dl.From(t); best.IsZero() || due.Before(best) {
			best, rule = due, dl.Rule
		}
	}
	return best.Format(time.DateOnly), rule
}

// DeadlineSummary lists every limit of the decision, for staff and the CLI.
func (d Decision) DeadlineSummary() string {
	if len(d.Deadlines) == 0 {
		return "no filing time limit known"
	}
	parts := make([]string, len(d.Deadlines))
	for i, dl := range d.Deadlines {
		parts[i] = dl.Rule
	}
	return strings.Join(parts, "; ")
}
