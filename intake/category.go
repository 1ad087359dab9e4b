// Package intake is the complaint side of Rightsline: the report a resident
// files through the intake flow, the commissions reports go to and the rules
// that route them, filing deadlines, short references read aloud over the
// phone, STATUS replies and the updates staff send back.
//
// Routing is data (routing.yaml, embedded). The conversation is data too
// (flows/intake.yaml and locales/intake.*.toml); this package registers the
// validators, choice source and actions the flow names (EngineOptions) and
// stores the report in the step's transaction (Service.HandleEvent).
package intake

// Category slugs: stable, used by the flow, the data files, the CLI and
// exports. Housing discrimination is Housing.
const (
	Housing      = "housing"
	Homelessness = "homelessness"
	Employment   = "employment"
	PublicPlace  = "public-place"
	Government   = "government"
	Other        = "other"
)

// Categories lists every category in menu order.
var Categories = []string{Housing, Homelessness, Employment, PublicPlace, Government, Other}

// ValidCategory reports whether slug is a known category.
func ValidCategory(slug string) bool {
	for _, c := range Categories {
		if c == slug {
			return true
		}
	}
	return false
}

// CategoryMessageID is the catalog message naming a category to residents.
func CategoryMessageID(slug string) string { return "intake.cat." + slug }

// traitApplies reports whether the protected-trait question is asked for
// a category: discrimination is about a trait; a sweep or "other" is not
// necessarily.
func traitApplies(category string) bool {
	switch category {
	case Housing, Employment, PublicPlace, Government:
		return true
	}
	return false
}
