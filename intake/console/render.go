package console

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static/*
var staticFiles embed.FS

// pages holds one parsed template set per page, each the layout plus the
// page's own file.
type pages struct {
	sets map[string]*template.Template
}

// parsePages parses every page template; a mistake in any of them fails
// start-up.
func parsePages() (*pages, error) {
	entries, err := fs.ReadDir(templateFiles, "templates")
	if err != nil {
		return nil, fmt.Errorf("console: templates: %w", err)
	}
	p := &pages{sets: map[string]*template.Template{}}
	// The layout is parsed once and each page into a copy of it (parsing
	// the layout again for every page was half of the console's start-up).
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("console: template layout.html: %w", err)
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".html")
		if name == "layout" || e.IsDir() {
			continue
		}
		t, err := layout.Clone()
		if err == nil {
			t, err = t.ParseFS(templateFiles, "templates/"+e.Name())
		}
		if err != nil {
			return nil, fmt.Errorf("console: template %s: %w", e.Name(), err)
		}
		p.sets[name] = t
	}
	if _, ok := p.sets["error"]; !ok {
		return nil, fmt.Errorf("console: templates: no error page")
	}
	return p, nil
}

// view is what every page template receives.
type view struct {
	// Staff is the signed-in member; nil on the sign-in page.
	Staff *store.Staff
	// CSRF is the token every form must carry.
	CSRF string
	// Flash is a short confirmation after a change.
	Flash string
	// Today is the date deadlines are counted from: the member's own
	// calendar day in their time zone.
	Today string
	// Path is the page's path, for the navigation's aria-current.
	Path string
	Page any
}

// render writes page name with data. The page is rendered to a buffer
// first, so a template error becomes a clean 500, not half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, s *session, status int, name string, data any) {
	t, ok := c.pages.sets[name]
	if !ok {
		c.log.Error("console: unknown page", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	v := view{Page: data, Flash: flashes[r.URL.Query().Get("done")], Path: r.URL.Path}
	if s != nil {
		v.Staff = &s.Staff
		v.CSRF = s.CSRFToken
	}
	// Each page is rendered from a clone carrying the member's labels,
	// time zone and calendar date; the parsed set itself is never
	// executed, so it can always be cloned.
	lab := c.labelerFor(v.Staff)
	v.Today = lab.today(c.now()).Format(time.DateOnly)
	t, err := t.Clone()
	if err != nil {
		c.log.Error("console: clone page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	t.Funcs(lab.funcs())
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		c.log.Error("console: render failed", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// flashes are the confirmations a redirect after a change may show, by
// key; the key comes from the URL, the text never does.
var flashes = map[string]string{
	"status":   "Status changed.",
	"assign":   "Assignment saved.",
	"note":     "Note added.",
	"erase":    "The person was erased.",
	"update":   "Update queued for the resident.",
	"password": "Password changed.",
	"staff":    "Staff account saved.",
	"comm":     "Commission saved.",
	"settings": "Settings saved.",
	// The translators' pages.
	"translation": "Translation saved as a draft.",
	"reviewed":    "Saved and marked reviewed.",
	"nochange":    "Nothing changed.",
}

// staticHandler serves the CSS.
func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFiles, "static")
	files := http.StripPrefix(Path+"/static/", http.FileServerFS(sub))
	// A directory is answered 404, never listed.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// Display names for codes stored on reports.
var (
	statusLabels = map[string]string{
		store.ReportNew:      "New",
		store.ReportInReview: "In review",
		store.ReportAccepted: "Accepted",
		store.ReportReferred: "Referred",
		store.ReportClosed:   "Closed",
	}
)

func statusLabel(s string) string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return s
}

// langLabel names a stored language for staff: its English name and its
// name in itself, from the embedded locales/languages.toml ("Spanish
// (Español)"); the console uses Console.langLabel, its catalog's.
func langLabel(s string) string { return langLabelIn(nil, s) }

// langLabelIn is langLabel from cat's languages (nil: the embedded ones).
func langLabelIn(cat *locales.Catalog, s string) string {
	info := locales.Info
	if cat != nil {
		info = cat.Language
	}
	if l, ok := info(locales.Lang(s)); ok {
		if l.English == l.Name {
			return l.English
		}
		return l.English + " (" + l.Name + ")"
	}
	if s == "" {
		return "unknown"
	}
	return s
}

// daysLeft is the number of days from today (UTC) to a 'YYYY-MM-DD'
// deadline; negative when it passed. ok is false without a deadline.
func daysLeft(today time.Time, deadline string) (int, bool) {
	d, err := time.Parse(time.DateOnly, deadline)
	if err != nil {
		return 0, false
	}
	t := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	return int(d.Sub(t).Hours() / 24), true
}

// deadlineText says how long is left, for people: "12 days left",
// "due today", "3 days overdue", or "no deadline".
func deadlineText(todayStr, deadline string) string {
	today, err := time.Parse(time.DateOnly, todayStr)
	if err != nil {
		return deadline
	}
	n, ok := daysLeft(today, deadline)
	switch {
	case !ok:
		return "no deadline"
	case n == 0:
		return "due today"
	case n == 1:
		return "1 day left"
	case n > 1:
		return fmt.Sprintf("%d days left", n)
	case n == -1:
		return "1 day overdue"
	default:
		return fmt.Sprintf("%d days overdue", -n)
	}
}

// deadlineClass picks the CSS class that colours a deadline.
func deadlineClass(todayStr, deadline string) string {
	today, _ := time.Parse(time.DateOnly, todayStr)
	n, ok := daysLeft(today, deadline)
	switch {
	case !ok:
		return "due-none"
	case n < 0:
		return "due-over"
	case n <= 14:
		return "due-soon"
	}
	return "due-later"
}

// SimulatorChannel is the channel name of reports filed through /try
// (bot/web.Channel); the console labels them for staff.
const SimulatorChannel = "web"

var funcs = template.FuncMap{
	"statusLabel":   statusLabel,
	"langLabel":     langLabel,
	"channelLabel":  channelLabel,
	"closeLabel":    closeLabel,
	"refusalLabel":  refusalLabel,
	"deadlineText":  deadlineText,
	"deadlineClass": deadlineClass,
	// isSimulator marks reports filed through /try, which anyone can use.
	"isSimulator": func(channel string) bool { return channel == SimulatorChannel },
	// when and the code labels are replaced per member at render time
	// (labeler.funcs); these are their English, UTC defaults.
	"when":          labeler{loc: time.UTC}.when,
	"catLabel":      func(s string) string { return s },
	"traitLabel":    func(s string) string { return s },
	"placeLabel":    func(s string) string { return s },
	"whoLabel":      func(s string) string { return s },
	"navCurrent":    func(path, prefix string) bool { return strings.HasPrefix(path, prefix) },
	"langName":      func(l locales.Lang) string { return langLabel(string(l)) },
	"problemErrors": func(ps []locales.Problem) int { return locales.Errors(ps) },
	"orDash": func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "—"
		}
		return s
	},
}

// channelLabels name the channels a report can come by.
var channelLabels = map[string]string{"sms": "SMS", "whatsapp": "WhatsApp", "discord": "Discord", SimulatorChannel: "the /try simulator", "terminal": "the terminal chat"}

// channelLabel names a channel for staff.
func channelLabel(ch string) string {
	if l, ok := channelLabels[ch]; ok {
		return l
	}
	return ch
}
