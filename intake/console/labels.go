package console

import (
	"html/template"
	"strings"
	"time"

	// The time zones staff choose must load on a machine without a zone
	// database (a scratch container image).
	_ "time/tzdata"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Human labels for the codes stored on reports. The words are the ones
// residents chose from, in locales/ (intake.cat.*, trait.*, place.*,
// intake.who.*), so staff read "Business or public place", not
// "public-place", in their own language when they set one and the
// catalog has it.
var labelPrefixes = map[string]string{
	"category": "intake.cat.",
	"trait":    "trait.",
	"place":    "place.",
	"who":      "intake.who.",
}

// labeler labels codes and dates for one staff member.
type labeler struct {
	cat  *locales.Catalog
	lang locales.Lang
	loc  *time.Location
}

// labelerFor is the labeler of the member st (nil: the sign-in page).
func (c *Console) labelerFor(st *store.Staff) labeler {
	l := labeler{cat: c.labels, lang: locales.English, loc: time.UTC}
	if st == nil {
		return l
	}
	if lang, ok := c.labels.ParseLang(st.Lang); ok && st.Lang != "" {
		l.lang = lang
	}
	if st.TimeZone != "" {
		if loc, err := time.LoadLocation(st.TimeZone); err == nil {
			l.loc = loc
		}
	}
	return l
}

// label names code of kind ("category", "trait", "place", "who"); a code
// the catalog does not know is shown as it is, and several codes
// separated by commas are labelled one by one.
func (l labeler) label(kind, code string) string {
	if strings.TrimSpace(code) == "" {
		return ""
	}
	if strings.Contains(code, ",") {
		parts := strings.Split(code, ",")
		for i, p := range parts {
			parts[i] = l.label(kind, strings.TrimSpace(p))
		}
		return strings.Join(parts, ", ")
	}
	prefix, ok := labelPrefixes[kind]
	if !ok || l.cat == nil {
		return code
	}
	for _, lang := range []locales.Lang{l.lang, locales.English} {
		if text, err := l.cat.Text(lang, prefix+code, nil); err == nil && text != "" && !strings.Contains(text, "\n") {
			return text
		}
	}
	return code
}

// when formats a time in the member's zone, with the zone's abbreviation.
func (l labeler) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(l.loc).Format("2006-01-02 15:04 MST")
}

// today is the member's calendar date, the day deadlines count from.
func (l labeler) today(now time.Time) time.Time {
	y, m, d := now.In(l.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// funcs are the template functions that depend on the member.
func (l labeler) funcs() template.FuncMap {
	return template.FuncMap{
		"when":       l.when,
		"catLabel":   func(code string) string { return l.label("category", code) },
		"traitLabel": func(code string) string { return l.label("trait", code) },
		"placeLabel": func(code string) string { return l.label("place", code) },
		"whoLabel":   func(code string) string { return l.label("who", code) },
		"langLabel":  func(code string) string { return langLabelIn(l.cat, code) },
		"langName":   func(lang locales.Lang) string { return langLabelIn(l.cat, string(lang)) },
	}
}

// timeZones are the zones offered in the settings, the commissions' own
// first; any other IANA name typed in the URL is accepted if it loads.
var timeZones = []option{
	{"", "UTC"},
	{"America/New_York", "Eastern (New York, DC, Pittsburgh)"},
	{"America/Chicago", "Central (Chicago)"},
	{"America/Denver", "Mountain (Denver)"},
	{"America/Phoenix", "Arizona (Phoenix)"},
	{"America/Los_Angeles", "Pacific (Los Angeles, Eugene, Mountain View)"},
	{"America/Anchorage", "Alaska (Anchorage)"},
	{"Pacific/Honolulu", "Hawaii (Honolulu)"},
	{"America/Puerto_Rico", "Atlantic (Puerto Rico)"},
}
