package jurisdiction

import (
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
)

// Validator names under which the flows use this package's validators.
const (
	// ValidatorName collects a place and stores the jurisdiction ID.
	ValidatorName = "jurisdiction"
	// ZIPValidatorName stores the ZIP code found in the same answer.
	ZIPValidatorName = "jurisdiction_zip"
	// CityLineValidatorName stores the city whose line the answer's ZIP
	// crosses ("pittsburgh-pa"), so the flow can ask which side.
	CityLineValidatorName = "jurisdiction_city_line"
)

// CityLineVar is the conversation variable CityLineValidator fills: the
// flows ask "inside the City of Pittsburgh?" while it is set, and clear it
// with the answer.
const CityLineVar = "city_line"

// UnknownKeywords is the keyword list of answers such as "don't know" or
// "skip": the resident is then treated under federal law, which applies
// everywhere.
const UnknownKeywords = "kw.place.unknown"

// Validator accepts a ZIP code or a known place name in any supported
// language and stores the jurisdiction ID ("dc", "eugene-or", "federal").
// A "don't know" answer from the kw.place.unknown list stores "federal".
//
// Register it as flows.Options{Validators: map[string]flows.Validator{
// jurisdiction.ValidatorName: jurisdiction.Validator(), …}} and collect with
// `collect: {var: jurisdiction, type: jurisdiction}`.
func Validator() flows.Validator {
	return func(input string, lang locales.Lang, _ time.Time, cat *locales.Catalog) (string, bool) {
		if j, ok := Lookup(input); ok {
			return j.ID, true
		}
		if cat != nil && cat.IsKeyword(lang, UnknownKeywords, input) {
			return Federal, true
		}
		return "", false
	}
}

// ZIPValidator accepts text holding a ZIP code and stores the five digits.
// Used beside Validator (`also: {zip: jurisdiction_zip}`) so a report keeps
// the ZIP the resident gave, and nothing when they named a city.
func ZIPValidator() flows.Validator {
	return func(input string, _ locales.Lang, _ time.Time, _ *locales.Catalog) (string, bool) {
		return FindZIP(input)
	}
}

// CityLineValidator accepts text holding a ZIP code that crosses a city
// line and stores the city (CityLineOf); it refuses every other answer, so
// `also: {city_line: jurisdiction_city_line}` clears the variable when no
// question is needed.
func CityLineValidator() flows.Validator {
	return func(input string, _ locales.Lang, _ time.Time, _ *locales.Catalog) (string, bool) {
		zip, ok := FindZIP(input)
		if !ok {
			return "", false
		}
		return CityLineOf(zip)
	}
}

// Validators returns the three validators under their names, ready to
// merge into flows.Options.Validators.
func Validators() map[string]flows.Validator {
	return map[string]flows.Validator{ValidatorName: Validator(), ZIPValidatorName: ZIPValidator(), CityLineValidatorName: CityLineValidator()}
}
