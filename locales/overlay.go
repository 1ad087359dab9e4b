package locales

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"text/template"
)

// Edit is a translation changed outside the catalog files (by a
// translator in the console), applied over the embedded catalog while the
// service runs.
type Edit struct {
	Lang Lang
	ID   string
	Text string
	// SourceHash is the hash of the English message the edit translates:
	// an edit of older English is not applied (the embedded text is used,
	// and the console shows the message as stale).
	SourceHash string
}

// overlay is the set of edits in force, swapped whole.
type overlay struct {
	text      map[Lang]map[string]string
	templates map[Lang]map[string]*template.Template
	n         int
}

// overlayState is the Catalog's current overlay (nil: none).
type overlayState = atomic.Pointer[overlay]

// CheckEdit lints a proposed translation text of message id in language
// l, as `rightsline lint` would once the text is in the files: template
// variables as in English, no stray characters, no opt-out keyword. It
// returns an error for an ID or language that cannot be edited.
func (c *Catalog) CheckEdit(l Lang, id, text string) ([]Problem, error) {
	en, ok := c.messages[Source][id]
	if !ok {
		return nil, fmt.Errorf("locales: no message %q", id)
	}
	if l == Source || !slices.Contains(c.langCodes, l) {
		return nil, fmt.Errorf("locales: %q is not a translation language", l)
	}
	m := &Message{ID: id, Lang: l, Text: text, SourceHash: en.Hash(), File: translationFile(en.File, l)}
	if old, ok := c.messages[l][id]; ok {
		m.File = old.File
	}
	ps := c.lintMessage(m, en)
	if strings.TrimSpace(text) == "" {
		ps = append(ps, m.problem(CheckMissing, "the translation is empty"))
	}
	return ps, nil
}

// ApplyEdits replaces the edits in force by edits, for every Text and
// Keywords call from now on (the files stay as they are; Lookup, Lint and
// Status still describe the files). An edit is skipped, and said why, when
// its message or language is unknown, it translates English that has
// changed since, or it fails CheckEdit with an error (a template that
// does not parse or uses other variables). It is safe to call while
// messages are being rendered.
func (c *Catalog) ApplyEdits(edits []Edit) (applied int, skipped []string) {
	o := &overlay{text: map[Lang]map[string]string{}, templates: map[Lang]map[string]*template.Template{}}
	for _, e := range edits {
		en, ok := c.messages[Source][e.ID]
		if !ok {
			skipped = append(skipped, fmt.Sprintf("%s %s: no such message", e.Lang, e.ID))
			continue
		}
		if e.SourceHash != en.Hash() {
			skipped = append(skipped, fmt.Sprintf("%s %s: made for older English", e.Lang, e.ID))
			continue
		}
		ps, err := c.CheckEdit(e.Lang, e.ID, e.Text)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s %s: %v", e.Lang, e.ID, err))
			continue
		}
		if p := firstError(ps, CheckTemplate, CheckMissing); p != "" {
			skipped = append(skipped, fmt.Sprintf("%s %s: %s", e.Lang, e.ID, p))
			continue
		}
		if o.text[e.Lang] == nil {
			o.text[e.Lang] = map[string]string{}
			o.templates[e.Lang] = map[string]*template.Template{}
		}
		o.text[e.Lang][e.ID] = e.Text
		if strings.Contains(e.Text, "{{") {
			t, err := template.New(e.ID).Option("missingkey=error").Parse(e.Text)
			if err != nil {
				skipped = append(skipped, fmt.Sprintf("%s %s: %v", e.Lang, e.ID, err))
				delete(o.text[e.Lang], e.ID)
				continue
			}
			o.templates[e.Lang][e.ID] = t
		}
		o.n++
	}
	sort.Strings(skipped)
	c.over.Store(o)
	return o.n, skipped
}

func firstError(ps []Problem, checks ...string) string {
	for _, p := range ps {
		if !p.Warning && slices.Contains(checks, p.Check) {
			return p.Msg
		}
	}
	return ""
}

// edited returns the text in force for (l, id) from the overlay.
func (c *Catalog) edited(l Lang, id string) (string, *template.Template, bool) {
	o := c.over.Load()
	if o == nil {
		return "", nil, false
	}
	s, ok := o.text[l][id]
	if !ok {
		return "", nil, false
	}
	return s, o.templates[l][id], true
}

// renderEdited renders an edited message as Text renders a catalog one:
// a missing template value is an error.
func renderEdited(l Lang, id, s string, t *template.Template, data map[string]string) (string, error) {
	if t == nil {
		return s, nil
	}
	var b strings.Builder
	var td any = data
	if data == nil {
		td = map[string]string{}
	}
	if err := t.Execute(&b, td); err != nil {
		return "", fmt.Errorf("locales: %s in %s (edited): %w", id, l, err)
	}
	return b.String(), nil
}
