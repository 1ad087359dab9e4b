package flows

import (
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rightsline/rightsline/locales"
)

// Why a free-text date was not taken.
const (
	dateUnreadable = "unreadable" // not a date we can read
	dateFuture     = "future"     // a date after today
	dateCalendar   = "calendar"   // Amharic numeric date: Ethiopian or Gregorian?
)

// dateReader reads free-text dates in every language from the date words of
// locales/match/<lang>.toml.
type dateReader struct {
	words map[locales.Lang]*dateLang
	// cat says which languages write the day first (date_order in
	// locales/languages.toml); set by New.
	cat *locales.Catalog
}

type dateLang struct {
	months   []dateWord // longest first
	ethMonth []dateWord
	weekdays []dateWord
	units    []dateWord // value: days per unit (1, 7) or -1 month, -12 year
	numbers  map[string]int
	ago      []string
	last     []string
}

type dateWord struct {
	word string
	n    int
}

func newDateReader(u *locales.Understanding, cat *locales.Catalog) *dateReader {
	r := &dateReader{words: map[locales.Lang]*dateLang{}, cat: cat}
	for _, l := range cat.Langs() {
		d := u.Data[l]
		if d == nil {
			continue
		}
		w := d.Dates
		dl := &dateLang{numbers: map[string]int{}}
		add := func(dst *[]dateWord, lists [][]string, base int) {
			for i, ws := range lists {
				for _, x := range ws {
					if f := locales.MatchFold(x); f != "" {
						*dst = append(*dst, dateWord{f, i + base})
					}
				}
			}
		}
		add(&dl.months, w.Months, 1)
		add(&dl.ethMonth, w.EthiopianMonths, 1)
		add(&dl.weekdays, w.Weekdays, 0)
		for _, u := range []struct {
			ws []string
			n  int
		}{{w.Day, 1}, {w.Week, 7}, {w.Month, -1}, {w.Year, -12}} {
			for _, x := range u.ws {
				if f := locales.MatchFold(x); f != "" {
					dl.units = append(dl.units, dateWord{f, u.n})
				}
			}
		}
		for i, ws := range w.Numbers {
			for _, x := range ws {
				dl.numbers[locales.MatchFold(x)] = i + 1
			}
		}
		for _, x := range w.Ago {
			dl.ago = append(dl.ago, locales.MatchFold(x))
		}
		for _, x := range w.Last {
			dl.last = append(dl.last, locales.MatchFold(x))
		}
		for _, s := range [][]dateWord{dl.months, dl.ethMonth, dl.weekdays, dl.units} {
			sort.SliceStable(s, func(i, j int) bool { return len(s[i].word) > len(s[j].word) })
		}
		r.words[l] = dl
	}
	return r
}

// find returns the first listed word (longest first) found in f and where.
func find(f string, ws []dateWord) (dateWord, int, bool) {
	for _, w := range ws {
		if i := indexWord(f, w.word); i >= 0 {
			return w, i, true
		}
	}
	return dateWord{}, -1, false
}

// indexWord is the offset of w in s on word boundaries (anywhere for
// scripts without spaces), or -1.
func indexWord(s, w string) int {
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return -1
		}
		at := i + j
		if boundaryBefore(s, at, w) && boundaryAfter(s, at+len(w), w) {
			return at
		}
		i = at + 1
	}
	return -1
}

func hasAny(f string, ws []string) bool {
	for _, w := range ws {
		if w != "" && indexWord(f, w) >= 0 {
			return true
		}
	}
	return false
}

// numbersIn lists the runs of digits in s.
func numbersIn(s string) (ns []int, lens []int) {
	n, l := 0, 0
	flush := func() {
		if l > 0 {
			ns, lens = append(ns, n), append(lens, l)
		}
		n, l = 0, 0
	}
	for _, r := range s {
		if r >= '0' && r <= '9' {
			if l < 6 {
				n = n*10 + int(r-'0')
			}
			l++
			continue
		}
		flush()
	}
	flush()
	return ns, lens
}

// read parses a free-text date. It returns the date, or why not; for
// dateCalendar it returns both readings, Ethiopian first.
func (r *dateReader) read(f string, lang locales.Lang, now time.Time) (t time.Time, alt time.Time, problem string) {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	dl := r.words[lang]
	en := r.words[locales.English]
	for _, d := range []*dateLang{dl, en} {
		if d == nil {
			continue
		}
		if t, ok := d.relative(f, today); ok {
			return checkPast(t, today)
		}
		if w, at, ok := find(f, d.ethMonth); ok {
			return ethiopianNamed(f, at, w, today)
		}
		if w, at, ok := find(f, d.months); ok {
			day, year := dayAndYear(f, at, w, 31)
			return gregorian(year, w.n, day, today)
		}
		if w, _, ok := find(f, d.weekdays); ok {
			back := (int(today.Weekday()) - w.n + 7) % 7
			if back == 0 && hasAny(f, d.last) {
				back = 7
			}
			return today.AddDate(0, 0, -back), time.Time{}, ""
		}
	}
	return numeric(f, dayFirst(r.cat, lang), ethiopian(r.cat, lang), today)
}

// relative reads "2 weeks ago", "hace 3 dias", "il y a un mois", "上个月",
// "지난주", "last month".
func (d *dateLang) relative(f string, today time.Time) (time.Time, bool) {
	u, at, ok := find(f, d.units)
	if !ok {
		return time.Time{}, false
	}
	ago, last := hasAny(f, d.ago), hasAny(f, d.last)
	if !ago && !last {
		return time.Time{}, false
	}
	n := 1
	before := strings.TrimRight(f[:at], " ")
	if ns, _ := numbersIn(before); len(ns) > 0 && endsWithDigit(before) {
		n = ns[len(ns)-1]
	} else if i := strings.LastIndexByte(before, ' '); true {
		if v, ok := d.numbers[before[i+1:]]; ok {
			n = v
		} else if last && !ago {
			n = 1
		} else {
			// a number word glued on, as in Chinese "两周前"
			for w, v := range d.numbers {
				if strings.HasSuffix(before, w) && utf8.RuneCountInString(w) > 0 {
					n = v
					break
				}
			}
		}
	}
	if n < 1 || n > 400 {
		return time.Time{}, false
	}
	switch {
	case u.n > 0:
		return today.AddDate(0, 0, -n*u.n), true
	case u.n == -1:
		return today.AddDate(0, -n, 0), true
	default:
		return today.AddDate(-n, 0, 0), true
	}
}

func endsWithDigit(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsDigit(r)
}

func checkPast(t, today time.Time) (time.Time, time.Time, string) {
	if t.After(today) {
		return time.Time{}, time.Time{}, dateFuture
	}
	if t.Before(today.AddDate(-20, 0, 0)) {
		return time.Time{}, time.Time{}, dateUnreadable
	}
	return t, time.Time{}, ""
}

// gregorian builds y-m-d; a missing year is this year, or last year when
// that would be in the future ("December 20" said in March).
func gregorian(y, m, d int, today time.Time) (time.Time, time.Time, string) {
	if y == 0 {
		y = today.Year()
		if t, ok := validDate(y, m, d); ok && t.After(today) {
			y--
		}
	}
	if y < 100 {
		y += 2000
	}
	t, ok := validDate(y, m, d)
	if !ok {
		return time.Time{}, time.Time{}, dateUnreadable
	}
	return checkPast(t, today)
}

func validDate(y, m, d int) (time.Time, bool) {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t, t.Year() == y && int(t.Month()) == m && t.Day() == d
}

// numeric reads 2026-11-20, 11/20/2026, 20/11/26 (day first where the
// language writes so), 2026年11月20日, 2026년 11월 20일, and "3/3" (this
// year). Amharic numeric dates may be Ethiopian: when both readings are
// possible dates in the past, it asks.
func numeric(f string, dmy, ethiopic bool, today time.Time) (time.Time, time.Time, string) {
	s := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r
		case r == '年' || r == '月' || r == '년' || r == '월' || r == ' ':
			return '/'
		case r == '日' || r == '일' || r == '号':
			return -1
		}
		return 'x'
	}, strings.NewReplacer(".", "/", "-", "/").Replace(f))
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' })
	if len(parts) < 2 || len(parts) > 3 || strings.ContainsRune(s, 'x') {
		return time.Time{}, time.Time{}, dateUnreadable
	}
	n := make([]int, 3)
	for i, p := range parts {
		if p == "" || len(p) > 4 {
			return time.Time{}, time.Time{}, dateUnreadable
		}
		for _, r := range p {
			n[i] = n[i]*10 + int(r-'0')
		}
	}
	var y, m, d int
	switch {
	case len(parts[0]) == 4:
		if len(parts) != 3 {
			return time.Time{}, time.Time{}, dateUnreadable
		}
		y, m, d = n[0], n[1], n[2]
	case dmy:
		d, m, y = n[0], n[1], n[2]
	default:
		m, d, y = n[0], n[1], n[2]
	}
	if len(parts) == 2 {
		y = 0
	}
	if ethiopic {
		et, etOK := ethiopianDate(y, m, d, today)
		gt, _, gProblem := gregorian(y, m, d, today)
		switch {
		case etOK && gProblem == "":
			return et, gt, dateCalendar
		case etOK:
			return et, time.Time{}, ""
		}
		return gt, time.Time{}, gProblem
	}
	return gregorian(y, m, d, today)
}

// dayAndYear reads the day and the year around a month name found at
// offset at of f: a four-digit number is the year, the first other number
// up to maxDay the day. Without a day it is the 1st ("in March": the month
// is what they know).
func dayAndYear(f string, at int, w dateWord, maxDay int) (day, year int) {
	ns, lens := numbersIn(f[:at] + " " + f[at+len(w.word):])
	for i, n := range ns {
		switch {
		case lens[i] == 4:
			year = n
		case day == 0 && n >= 1 && n <= maxDay:
			day = n
		}
	}
	if day == 0 {
		day = 1
	}
	return day, year
}

// ethiopianNamed reads a date with an Ethiopian month name ("መጋቢት 3",
// "መጋቢት 3 2018").
func ethiopianNamed(f string, at int, w dateWord, today time.Time) (time.Time, time.Time, string) {
	day, year := dayAndYear(f, at, w, 30)
	t, ok := ethiopianDate(year, w.n, day, today)
	if !ok {
		if g, valid := ethiopianToGregorian(year, w.n, day); year != 0 && valid && g.After(today) {
			return time.Time{}, time.Time{}, dateFuture
		}
		return time.Time{}, time.Time{}, dateUnreadable
	}
	return t, time.Time{}, ""
}

// ethiopianDate converts an Ethiopian date to the Gregorian calendar; year
// 0 is the latest year that puts it in the past. It is false when the date
// does not exist or is not within the last 20 years.
func ethiopianDate(y, m, d int, today time.Time) (time.Time, bool) {
	if y == 0 {
		y = ethiopianYear(today)
		if g, ok := ethiopianToGregorian(y, m, d); ok && g.After(today) {
			y--
		}
	}
	g, ok := ethiopianToGregorian(y, m, d)
	if !ok || g.After(today) || g.Before(today.AddDate(-20, 0, 0)) {
		return time.Time{}, false
	}
	return g, true
}

func validEthiopian(y, m, d int) bool {
	switch {
	case m < 1 || m > 13 || d < 1:
		return false
	case m < 13:
		return d <= 30
	}
	return d <= 5 || (d == 6 && y%4 == 3)
}

// ethiopianToGregorian converts by Julian day numbers: Meskerem 1 of year 1
// (Amete Mihret) is JDN 1724221; every year has twelve months of 30 days
// and Pagume of 5 days, 6 every fourth year (year % 4 == 3).
func ethiopianToGregorian(y, m, d int) (time.Time, bool) {
	if !validEthiopian(y, m, d) {
		return time.Time{}, false
	}
	jdn := 1724220 + 365*(y-1) + y/4 + 30*(m-1) + d
	return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, jdn-2451545), true
}

// ethiopianYear is the Ethiopian year of a Gregorian day: Meskerem 1 of
// year Y falls in September of Gregorian year Y+7.
func ethiopianYear(t time.Time) int {
	y := t.Year() - 7
	if g, _ := ethiopianToGregorian(y, 1, 1); t.Before(g) {
		y--
	}
	return y
}
