package intake_test

import (
	"strings"
	"testing"

	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/intake/jurisdiction"
)

// TestRouteTable pins where every seeded place × category goes, looked up
// from a ZIP code or a place name as a resident would give it, and the
// staff deadline for an incident on 2026-01-01 ("" when no limit is known).
func TestRouteTable(t *testing.T) {
	type want struct {
		commission, rule, referral, deadline string
	}
	const (
		oneYear  = "2027-01-01"
		days180  = "2026-06-30"
		days300  = "2026-10-28"
		none     = ""
		incident = "2026-01-01"
	)
	var (
		homeless = want{"", "default/homelessness", "", none}
		other    = want{"", "default/other", "", none}
		adaGov   = want{"", "default/government", "doj-ada", days180}
	)
	places := []struct {
		name, where string
		want        map[string]want
	}{
		{"DC", "20001", map[string]want{
			intake.Housing:      {"dc-ohr", "dc/housing", "", oneYear},
			intake.Homelessness: {"dc-ohr", "dc/other", "", oneYear},
			intake.Employment:   {"dc-ohr", "dc/employment", "", days300},
			intake.PublicPlace:  {"dc-ohr", "dc/other", "", oneYear},
			intake.Government:   {"dc-ohr", "dc/other", "", oneYear},
			intake.Other:        {"dc-ohr", "dc/other", "", oneYear},
		}},
		{"City of Pittsburgh", "15213", map[string]want{
			intake.Housing:      {"pghchr", "pittsburgh/housing-public", "", oneYear},
			intake.Homelessness: homeless,
			intake.Employment:   {"pghchr", "pittsburgh/employment", "", days300},
			intake.PublicPlace:  {"pghchr", "pittsburgh/housing-public", "", oneYear},
			intake.Government:   adaGov,
			intake.Other:        other,
		}},
		// Mt. Lebanon is outside the city: never PghCHR.
		{"Mt. Lebanon (15228)", "15228", map[string]want{
			intake.Housing:      {"", "allegheny/housing-public", "achrc", oneYear},
			intake.Homelessness: homeless,
			intake.Employment:   {"", "allegheny/employment", "achrc", days300},
			intake.PublicPlace:  {"", "allegheny/housing-public", "achrc", oneYear},
			intake.Government:   adaGov,
			intake.Other:        other,
		}},
		{"Mt Lebanon (by name)", "Mt Lebanon", map[string]want{
			intake.Housing:    {"", "allegheny/housing-public", "achrc", oneYear},
			intake.Employment: {"", "allegheny/employment", "achrc", days300},
		}},
		{"Philadelphia", "19103", map[string]want{
			intake.Housing:      {"", "pa/housing-public", "phrc", days180},
			intake.Homelessness: homeless,
			intake.Employment:   {"", "pa/employment", "phrc", days180},
			intake.PublicPlace:  {"", "pa/housing-public", "phrc", days180},
			intake.Government:   adaGov,
			intake.Other:        other,
		}},
		{"Hawaii (Hilo)", "96720", map[string]want{
			intake.Housing:      {"hcrc", "hawaii/housing-public-government", "", days180},
			intake.Homelessness: homeless,
			intake.Employment:   {"hcrc", "hawaii/employment", "", days180},
			intake.PublicPlace:  {"hcrc", "hawaii/housing-public-government", "", days180},
			intake.Government:   {"hcrc", "hawaii/housing-public-government", "", days180},
			intake.Other:        other,
		}},
		{"Eugene", "97401", map[string]want{
			intake.Housing:      {"eugene-hrni", "eugene/housing-public", "boli", oneYear},
			intake.Homelessness: homeless,
			intake.Employment:   {"eugene-hrni", "eugene/employment", "boli", days300},
			intake.PublicPlace:  {"eugene-hrni", "eugene/housing-public", "boli", oneYear},
			intake.Government:   adaGov,
			intake.Other:        other,
		}},
		{"Portland, OR", "97201", map[string]want{
			intake.Housing:      {"", "or/housing-public", "boli", oneYear},
			intake.Homelessness: homeless,
			intake.Employment:   {"", "or/employment", "boli", days300},
			intake.PublicPlace:  {"", "or/housing-public", "boli", oneYear},
			intake.Government:   adaGov,
			intake.Other:        other,
		}},
		{"Mountain View", "94041", map[string]want{
			intake.Housing:      {"ca-crd", "mountain-view/housing-public", "", oneYear},
			intake.Homelessness: homeless,
			intake.Employment:   {"ca-crd", "mountain-view/employment", "", days300},
			intake.PublicPlace:  {"ca-crd", "mountain-view/housing-public", "", oneYear},
			intake.Government:   adaGov,
			intake.Other:        other,
		}},
		{"Los Angeles", "90012", map[string]want{
			intake.Housing:      {"ca-crd", "ca/housing-public", "", oneYear},
			intake.Homelessness: homeless,
			intake.Employment:   {"ca-crd", "ca/employment", "", days300},
			intake.PublicPlace:  {"ca-crd", "ca/housing-public", "", oneYear},
			intake.Government:   adaGov,
			intake.Other:        other,
		}},
		// Texas: no state or local agency in our data → default queue and
		// the federal agency for the category.
		{"Austin, TX (federal)", "78701", map[string]want{
			intake.Housing:      {"", "default/housing", "hud", oneYear},
			intake.Homelessness: homeless,
			intake.Employment:   {"", "default/employment", "eeoc", days180},
			intake.PublicPlace:  {"", "default/public-place", "doj-crt", none},
			intake.Government:   adaGov,
			intake.Other:        other,
		}},
	}
	for _, p := range places {
		j, ok := jurisdiction.Lookup(p.where)
		if !ok {
			t.Fatalf("%s: %q not found", p.name, p.where)
		}
		for cat, w := range p.want {
			d := intake.Route(j.ID, cat)
			date, _ := d.Deadline(incident)
			if d.CommissionID != w.commission || d.Rule != w.rule || d.Referral != w.referral || date != w.deadline {
				t.Errorf("%s (%s) × %s = {%q %q %q %q}, want {%q %q %q %q}", p.name, j.ID, cat,
					d.CommissionID, d.Rule, d.Referral, date, w.commission, w.rule, w.referral, w.deadline)
			}
			if d.Reason == "" {
				t.Errorf("%s × %s: no reason", p.name, cat)
			}
		}
	}
}

// Every seeded place is in the table above, for every category, so a new
// place cannot be added without its routing test.
func TestRouteTableCoversEverySeededPlace(t *testing.T) {
	tested := map[string]bool{"dc": true, "pittsburgh-pa": true, "allegheny-pa": true, "pa": true, "hi": true,
		"eugene-or": true, "or": true, "mountain-view-ca": true, "ca": true, "federal": true}
	for _, j := range jurisdiction.All() {
		if !tested[j.ID] {
			t.Errorf("jurisdiction %s has no row in TestRouteTable", j.ID)
		}
	}
}

// A resident anywhere in California, Oregon or Pennsylvania with a work
// or housing complaint reaches the state's agency.
func TestEveryStateWithAnAgencyIsReached(t *testing.T) {
	for _, c := range []struct{ where, agency string }{
		{"90012", "ca-crd"}, {"95814", "ca-crd"}, {"Oakland", "ca-crd"}, {"Sunnyvale", "ca-crd"}, {"94035", "ca-crd"},
		{"97201", "boli"}, {"97477", "boli"}, {"Springfield OR", "boli"}, {"Portland", "boli"},
		{"19103", "phrc"}, {"17101", "phrc"}, {"16501", "phrc"}, {"15106", "phrc"},
		{"15228", "achrc"}, {"Wilkinsburg PA", "achrc"}, {"Allegheny County", "achrc"},
	} {
		j, _ := jurisdiction.Lookup(c.where)
		for _, cat := range []string{intake.Housing, intake.Employment, intake.PublicPlace} {
			d := intake.Route(j.ID, cat)
			if d.CommissionID != c.agency && d.Referral != c.agency {
				t.Errorf("%s (%s) × %s → %+v; want %s", c.where, j.ID, cat, d, c.agency)
			}
			if d.CommissionID == "pghchr" {
				t.Errorf("%s sent to PghCHR", c.where)
			}
		}
	}
}

func TestRouteEveryCommissionExistsAndUnknownCategoryIsOther(t *testing.T) {
	r := intake.DefaultRouting()
	for _, ru := range r.Rules() {
		if _, ok := r.Commission(ru.Commission); ru.Commission != "" && !ok {
			t.Errorf("rule %s: commission %s missing", ru.ID, ru.Commission)
		}
		if _, ok := jurisdiction.ByID(ru.Jurisdiction); !ok {
			t.Errorf("rule %s: jurisdiction %q is not in jurisdictions.yaml", ru.ID, ru.Jurisdiction)
		}
	}
	if d := intake.Route("dc", "'; DROP TABLE x"); d.Rule != "dc/other" {
		t.Errorf("unknown category in DC: %+v", d)
	}
	if d := intake.Route("", intake.Housing); d.Rule != "default/housing" || d.Referral != "hud" {
		t.Errorf("no jurisdiction: %+v", d)
	}
}

func TestDeadlines(t *testing.T) {
	cases := []struct {
		jur, cat, incident, want, ruleHas string
	}{
		{"dc", intake.Housing, "2026-03-01", "2027-03-01", "D.C. Code 2-1403.04"},
		// DC employment: OHR 1 year, EEOC 300 days (worksharing): the earlier.
		{"dc", intake.Employment, "2026-01-01", "2026-10-28", "EEOC: 300"},
		{"hi", intake.Housing, "2026-01-01", "2026-06-30", "HRS 368-11"},
		{"hi", intake.Employment, "2026-01-01", "2026-06-30", "HCRC: 180"},
		{"pittsburgh-pa", intake.Housing, "2026-02-10", "2027-02-10", "PghCHR"},
		{"pittsburgh-pa", intake.Employment, "2026-01-01", "2026-10-28", "EEOC: 300"},
		{"eugene-or", intake.Housing, "2026-05-05", "2027-05-05", "ORS 659A.820"},
		{"mountain-view-ca", intake.Housing, "2026-05-05", "2027-05-05", "CRD: 1 year"},
		// CRD gives 3 years for employment, but EEOC's 300 days come first.
		{"mountain-view-ca", intake.Employment, "2026-01-01", "2026-10-28", "EEOC: 300"},
		{"federal", intake.Housing, "2025-12-31", "2026-12-31", "24 CFR 103.35"},
		{"federal", intake.Employment, "2026-01-01", "2026-06-30", "EEOC: 180"},
		{"federal", intake.Government, "2026-01-01", "2026-06-30", "28 CFR 35.170"},
		// A year from a leap day ends on February 28, not March 1.
		{"dc", intake.Housing, "2028-02-29", "2029-02-28", "DC OHR"},
		// No limit known, or no date.
		{"federal", intake.PublicPlace, "2026-01-01", "", ""},
		{"federal", intake.Homelessness, "2026-01-01", "", ""},
		{"dc", intake.Housing, "", "", ""},
		{"dc", intake.Housing, "unknown", "", ""},
	}
	for _, c := range cases {
		got, rule := intake.Route(c.jur, c.cat).Deadline(c.incident)
		if got != c.want || !strings.Contains(rule, c.ruleHas) {
			t.Errorf("%s × %s from %q = %q (%q), want %q (…%s…)", c.jur, c.cat, c.incident, got, rule, c.want, c.ruleHas)
		}
	}
}

func TestParseRoutingRejectsBrokenData(t *testing.T) {
	base := `
deadlines: [{id: d1, days: 10, rule: "ten days"}]
commissions: [{id: c1, name: C1, jurisdiction: dc, deadlines: [d1]}]
referrals: [{id: r1, name: R1}]
defaults:
  - {category: housing, deadlines: [d1], reason: x}
  - {category: homelessness, reason: x}
  - {category: employment, reason: x}
  - {category: public-place, reason: x}
  - {category: government, reason: x}
  - {category: other, reason: x}
`
	if _, err := intake.ParseRouting([]byte(base)); err != nil {
		t.Fatalf("valid data refused: %v", err)
	}
	bad := map[string]string{
		"unknown commission": base + "rules: [{id: a, jurisdiction: dc, categories: [housing], commission: nope, reason: x}]",
		"unknown category":   base + "rules: [{id: a, jurisdiction: dc, categories: [housin], commission: c1, reason: x}]",
		"two rules one cell": base + "rules: [{id: a, jurisdiction: dc, categories: [housing], commission: c1, reason: x}, {id: b, jurisdiction: dc, categories: [housing], commission: c1, reason: y}]",
		"goes nowhere":       base + "rules: [{id: a, jurisdiction: dc, categories: [housing], reason: x}]",
		"unknown deadline":   base + "rules: [{id: a, jurisdiction: dc, categories: [housing], commission: c1, deadlines: [d9], reason: x}]",
		"unknown field":      base + "rulez: []",
		"unknown place":      base + "rules: [{id: a, jurisdiction: atlantis, categories: [housing], commission: c1, reason: x}]",
		"contact, no date":   strings.Replace(base, "{id: r1, name: R1}", "{id: r1, name: R1, contact: x.gov}", 1),
		"missing default":    strings.Replace(base, "  - {category: other, reason: x}\n", "", 1),
	}
	for name, src := range bad {
		if _, err := intake.ParseRouting([]byte(src)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestReferences(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		ref, err := intake.NewReference(nil, "dc")
		if err != nil {
			t.Fatal(err)
		}
		if !intake.ReferencePattern.MatchString(ref) || !strings.HasPrefix(ref, "DC-") || len(ref) != len("DC-7KQ2-9D") {
			t.Fatalf("bad reference %q", ref)
		}
		if strings.ContainsAny(ref[3:], "ILOU") {
			t.Fatalf("ambiguous letter in %q", ref)
		}
		if seen[ref] {
			t.Fatalf("repeated reference %q in 2000 draws", ref)
		}
		seen[ref] = true
	}
	for jur, prefix := range map[string]string{"pittsburgh-pa": "PGH-", "allegheny-pa": "ALG-", "pa": "PA-", "hi": "HI-", "eugene-or": "EUG-", "mountain-view-ca": "MV-", "federal": "US-", "": "US-", "nowhere": "US-"} {
		ref, _ := intake.NewReference(nil, jur)
		if !strings.HasPrefix(ref, prefix) {
			t.Errorf("%q: reference %q, want prefix %s", jur, ref, prefix)
		}
	}
	parse := map[string]string{
		"DC-7KQ2-9D":  "DC-7KQ2-9D",
		"dc-7kq2-9d":  "DC-7KQ2-9D",
		"dc 7kq2 9d":  "DC-7KQ2-9D",
		"DC7KQ29D":    "DC-7KQ2-9D",
		"DC-OIL2-9D":  "DC-0112-9D", // read aloud: O is zero, I and L are one
		"pgh-2222-ab": "PGH-2222-AB",
		"ＤＣ－７ＫＱ２－９Ｄ":  "DC-7KQ2-9D",
	}
	for in, want := range parse {
		got, err := intake.ParseReference(in)
		if err != nil || got != want {
			t.Errorf("ParseReference(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "DC", "DC-7KQ2-9", "DC-7KQ2-9DD", "XX-7KQ2-9D", "DC-7KQ2-9U", "of my apartment", "DC-7KQ2-9Đ"} {
		if got, err := intake.ParseReference(in); err == nil {
			t.Errorf("ParseReference(%q) = %q, want error", in, got)
		}
	}
}

func TestMaskReferences(t *testing.T) {
	got := intake.MaskReferences("Your report PGH-7KQ2-9D was received. Reply STATUS PGH-7KQ2-9D; not DC-12")
	if want := "Your report PGH-XXXX-XX was received. Reply STATUS PGH-XXXX-XX; not DC-12"; got != want {
		t.Fatalf("got %q", got)
	}
}
