package whatsapp

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Window is WhatsApp's customer-service window: free text may be sent to
// a person only within 24 hours of their last message; after it, only an
// approved template (Twilio error 63016 otherwise).
const Window = 24 * time.Hour

// WindowMargin is kept off the end of the window: a message queued a few
// minutes before the window closes may reach WhatsApp after it, so it
// goes as a template already.
const WindowMargin = 10 * time.Minute

// Templates are the approved WhatsApp templates, read from the file
// WHATSAPP_TEMPLATES_FILE names (deploy/whatsapp-templates.example.toml
// shows the format): for each catalog message the service sends outside
// a conversation (a staff update, the discreet notice), the template's
// ContentSid in each language it was approved in, and which of the
// message's variables fill the template's {{1}}, {{2}} ….
type Templates struct {
	msgs map[string]templateDef
}

type templateDef struct {
	Variables []string          `toml:"variables"`
	Content   map[string]string `toml:"content"`
}

// contentSid is a Content Template's SID.
var contentSid = regexp.MustCompile(`^HX[0-9a-fA-F]{32}$`)

// LoadTemplates reads the templates file at path.
func LoadTemplates(path string) (*Templates, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: WHATSAPP_TEMPLATES_FILE: %w", err)
	}
	t, err := ParseTemplates(string(b))
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return t, nil
}

// ParseTemplates reads templates in the file's format, checking every
// ContentSid and language and refusing what it does not know, so a typo
// fails at start-up rather than when an update is due.
func ParseTemplates(data string) (*Templates, error) {
	var file struct {
		Messages map[string]templateDef `toml:"messages"`
	}
	md, err := toml.Decode(data, &file)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: templates: %w", err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		return nil, fmt.Errorf("whatsapp: templates: unknown setting %q (each [messages.\"<id>\"] has variables and content)", un[0].String())
	}
	var errs []error
	for id, def := range file.Messages {
		if len(def.Content) == 0 {
			errs = append(errs, fmt.Errorf("%s: no content (a ContentSid per language)", id))
		}
		for lang, sid := range def.Content {
			if l, ok := locales.ParseLang(lang); !ok || string(l) != lang {
				errs = append(errs, fmt.Errorf("%s: %q is not one of the service's languages (%v)", id, lang, locales.All))
			}
			if !contentSid.MatchString(sid) {
				errs = append(errs, fmt.Errorf("%s (%s): %q is not a ContentSid (HX and 32 hex digits)", id, lang, sid))
			}
		}
		for _, v := range def.Variables {
			if v == "" {
				errs = append(errs, fmt.Errorf("%s: an empty variable name", id))
			}
		}
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return nil, fmt.Errorf("whatsapp: templates: %w", errors.Join(errs...))
	}
	return &Templates{msgs: file.Messages}, nil
}

// Len is how many messages have templates.
func (t *Templates) Len() int {
	if t == nil {
		return 0
	}
	return len(t.msgs)
}

// Plan is how an outbox message will go to a WhatsApp contact.
type Plan struct {
	// Template is false for free text (inside the window).
	Template bool
	// ContentSid, Lang: the approved template and its language; Fallback
	// is set when that is English because the message's own language has
	// no template.
	ContentSid string
	Lang       string
	Fallback   bool
	// Variables is the ContentVariables JSON: {"1": "<ref>", …}.
	Variables string
}

// NoTemplateError is a message that must go as a template (outside the
// window) and has none configured, in its language or in English.
type NoTemplateError struct{ ID, Lang string }

func (e *NoTemplateError) Error() string {
	if e.ID == "" {
		return "whatsapp: the resident last wrote more than 24 hours ago and this message has no template to send instead"
	}
	return fmt.Sprintf("whatsapp: the resident last wrote more than 24 hours ago and no approved template is configured for %s in %s or English (WHATSAPP_TEMPLATES_FILE)", e.ID, e.Lang)
}

// InWindow reports whether free text may go at now to a person who last
// wrote at last (wrote false: never, or that message was purged).
func InWindow(last time.Time, wrote bool, now time.Time) bool {
	return wrote && now.Sub(last) < Window-WindowMargin
}

// Plan decides how a message rendering tmpl (nil: free text with no
// template, such as a spooled reply) goes at now to a person who last
// wrote at last: free text inside the window; outside it the template for
// the message's language, else its English template; else a
// *NoTemplateError. t may be nil (no templates configured).
func (t *Templates) Plan(last time.Time, wrote bool, now time.Time, tmpl *store.OutboundTemplate) (Plan, error) {
	if InWindow(last, wrote, now) {
		return Plan{}, nil
	}
	if tmpl == nil {
		return Plan{}, &NoTemplateError{}
	}
	var def templateDef
	ok := false
	if t != nil {
		def, ok = t.msgs[tmpl.ID]
	}
	p := Plan{Template: true, Lang: tmpl.Lang}
	if p.ContentSid = def.Content[tmpl.Lang]; p.ContentSid == "" {
		p.Lang, p.Fallback, p.ContentSid = string(locales.English), tmpl.Lang != string(locales.English), def.Content[string(locales.English)]
	}
	if !ok || p.ContentSid == "" {
		return Plan{}, &NoTemplateError{ID: tmpl.ID, Lang: tmpl.Lang}
	}
	vars := make(map[string]string, len(def.Variables))
	for i, name := range def.Variables {
		v, ok := tmpl.Vars[name]
		if !ok || strings.TrimSpace(v) == "" {
			return Plan{}, fmt.Errorf("whatsapp: template for %s fills {{%d}} with %q, which the message does not have", tmpl.ID, i+1, name)
		}
		vars[strconv.Itoa(i+1)] = templateValue(v)
	}
	b, err := json.Marshal(vars)
	if err != nil {
		return Plan{}, err
	}
	p.Variables = string(b)
	return p, nil
}

// templateValue is v as a WhatsApp template variable may hold it: on one
// line (WhatsApp refuses new lines and tabs in a variable), without runs
// of spaces.
func templateValue(v string) string {
	return strings.Join(strings.Fields(locales.Clean(v)), " ")
}

// Note is the plan in words for staff ("" for free text), as the console
// shows it by an update.
func (p Plan) Note() string {
	if !p.Template {
		return ""
	}
	name := p.Lang
	if info, ok := locales.Info(locales.Lang(p.Lang)); ok && info.English != "" {
		name = info.English
	}
	note := "The resident last wrote more than 24 hours ago, so WhatsApp takes only an approved template: this goes as the " + name + " template " + p.ContentSid
	if p.Fallback {
		note += " (no template is configured in the resident's language)"
	}
	return note + "."
}
