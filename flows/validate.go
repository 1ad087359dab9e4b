package flows

import (
	"strings"
	"time"
	"unicode"

	"github.com/rightsline/rightsline/locales"
)

// Values stored by validators for answers that are not a plain value.
const (
	ValueYes     = "yes"
	ValueNo      = "no"
	ValueUnknown = "unknown"
	// VarMediaCount is set by the runtime, before each step of a flow
	// that keeps attachments (intake), to how many the report in progress
	// holds: the confirmation counts them.
	VarMediaCount = "media_count"
)

func builtinValidators() map[string]Validator {
	return map[string]Validator{
		"text":  validateText,
		"yesno": validateYesNo,
		"date":  validateDate,
		"zip":   validateZIP,
		"phone": validatePhone,
	}
}

func validateText(in string, _ locales.Lang, _ time.Time, _ *locales.Catalog) (string, bool) {
	in = strings.TrimSpace(in)
	return in, in != ""
}

func validateYesNo(in string, lang locales.Lang, _ time.Time, cat *locales.Catalog) (string, bool) {
	f := locales.Fold(in)
	switch {
	case f == "1" || cat.IsKeyword(lang, "kw.yes", f):
		return ValueYes, true
	case f == "2" || cat.IsKeyword(lang, "kw.no", f):
		return ValueNo, true
	}
	return "", false
}

// validateDate accepts ISO dates, US and day-first numeric dates (day-first
// in languages whose speakers write it so), "today", "yesterday", "last
// week" and "don't know" in the person's language. The value is YYYY-MM-DD
// or "unknown". Dates in the future are refused.
func validateDate(in string, lang locales.Lang, now time.Time, cat *locales.Catalog) (string, bool) {
	f := locales.Fold(in)
	switch {
	case cat.IsKeyword(lang, "kw.date.unknown", f):
		return ValueUnknown, true
	case cat.IsKeyword(lang, "kw.date.today", f):
		return now.Format(time.DateOnly), true
	case cat.IsKeyword(lang, "kw.date.yesterday", f):
		return now.AddDate(0, 0, -1).Format(time.DateOnly), true
	case cat.IsKeyword(lang, "kw.date.last_week", f):
		return now.AddDate(0, 0, -7).Format(time.DateOnly), true
	}
	if ethiopian(cat, lang) {
		// A numeric Amharic date may be Ethiopian: the free-text reader
		// (dates.go) takes it, converts it, or asks which calendar.
		return "", false
	}
	s := strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '.' || r == '-' || r == '/' || r == '年' || r == '月' || r == '일' || r == '년' || r == '월':
			return '/'
		case r == '日' || unicode.IsSpace(r):
			return -1
		}
		return r
	}, f)
	parts := strings.Split(strings.Trim(s, "/"), "/")
	if len(parts) != 3 {
		return "", false
	}
	n := make([]int, 3)
	for i, p := range parts {
		if p == "" || len(p) > 4 {
			return "", false
		}
		for _, r := range p {
			if r < '0' || r > '9' {
				return "", false
			}
			n[i] = n[i]*10 + int(r-'0')
		}
	}
	var y, m, d int
	switch {
	case len(parts[0]) == 4: // 2026-11-20, 2026年11月20日, 2026년 11월 20일
		y, m, d = n[0], n[1], n[2]
	case dayFirst(cat, lang):
		d, m, y = n[0], n[1], n[2]
	default:
		m, d, y = n[0], n[1], n[2]
	}
	if y < 100 {
		y += 2000
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return "", false // 2026-02-30 and the like
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if t.After(today) || t.Before(today.AddDate(-20, 0, 0)) {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// dayFirst reports whether l's speakers write the day first (date_order in
// locales/languages.toml).
// ethiopian reports whether l's numeric dates may be Ethiopian
// (calendar in locales/languages.toml).
func ethiopian(cat *locales.Catalog, l locales.Lang) bool {
	info, ok := locales.Info(l)
	if cat != nil {
		info, ok = cat.Language(l)
	}
	return ok && info.Calendar == locales.CalendarEthiopian
}

func dayFirst(cat *locales.Catalog, l locales.Lang) bool {
	if cat == nil {
		info, ok := locales.Info(l)
		return ok && info.DayFirst()
	}
	info, ok := cat.Language(l)
	return ok && info.DayFirst()
}

// validateZIP accepts a US ZIP code or ZIP+4 and stores the five digits.
func validateZIP(in string, _ locales.Lang, _ time.Time, _ *locales.Catalog) (string, bool) {
	s := strings.TrimSpace(in)
	if i := strings.IndexByte(s, '-'); i == 5 && len(s) == 10 {
		s = s[:5]
	}
	if len(s) != 5 {
		return "", false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return s, true
}

// validatePhone accepts a US number in the usual ways of writing it and
// stores it as E.164 (+1XXXXXXXXXX).
func validatePhone(in string, _ locales.Lang, _ time.Time, _ *locales.Catalog) (string, bool) {
	var digits []byte
	for _, r := range in {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r == '+' || r == '(' || r == ')' || r == '-' || r == '.' || r == ' ':
		default:
			return "", false
		}
	}
	if len(digits) == 11 && digits[0] == '1' {
		digits = digits[1:]
	}
	if len(digits) != 10 || digits[0] == '0' || digits[0] == '1' {
		return "", false
	}
	return "+1" + string(digits), true
}
