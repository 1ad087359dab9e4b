package flows_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
)

// contentFlows are the flows of this domain.
var contentFlows = []string{"housing.", "homeless.", "discrim."}

func contentStates(e *flows.Engine) []string {
	var out []string
	for _, name := range e.States() {
		for _, f := range contentFlows {
			if strings.HasPrefix(name, f) {
				out = append(out, name)
			}
		}
	}
	return out
}

var isoDate = regexp.MustCompile(`^20\d\d-\d\d-\d\d$`)

// Every answer cites its source and carries a reviewed date, and can be
// reached by free text or from a menu; every menu has at most five topics.
func TestAnswersHaveSourceAndReviewed(t *testing.T) {
	e, _ := contentEngine(t)
	answers := 0
	for _, name := range contentStates(e) {
		st, _ := e.State(name)
		switch st.Kind {
		case "answer":
			answers++
			if st.Source == "" {
				t.Errorf("%s: answer without source", name)
			}
			if !isoDate.MatchString(st.Reviewed) {
				t.Errorf("%s: reviewed %q is not a YYYY-MM-DD date", name, st.Reviewed)
			}
			hasReport := false
			for _, ch := range st.Choices {
				if ch.Go == "intake.start" {
					hasReport = true
				}
			}
			if !hasReport {
				t.Errorf("%s: an answer must offer to file a report", name)
			}
		case "menu":
			topics := 0
			for _, ch := range st.Choices {
				if ch.Key != "0" {
					topics++
				}
			}
			if topics > 5 {
				t.Errorf("%s: %d subtopics; at most 5", name, topics)
			}
		}
	}
	if answers < 13 {
		t.Errorf("only %d answers", answers)
	}
}

// budget is the segment budget of a state kind.
func budget(kind string, enc locales.Encoding) int {
	if kind == "answer" {
		if enc == locales.GSM7 {
			return 4
		}
		return 6
	}
	if enc == locales.GSM7 {
		return 2
	}
	return 3
}

// contentMessages maps every message this domain sends to the kind of
// state that sends it (its budget).
func contentMessages(e *flows.Engine) map[string]string {
	out := map[string]string{}
	for _, name := range contentStates(e) {
		st, _ := e.State(name)
		kind := st.Kind
		if kind == "" {
			kind = "prompt"
		}
		for _, id := range st.Say {
			out[id] = kind
		}
		for _, id := range st.More {
			out[id] = "answer"
		}
		if st.Source != "" {
			out[st.Source] = "answer"
		}
		if st.Collect != nil && st.Collect.Invalid != "" {
			out[st.Collect.Invalid] = "prompt"
		}
	}
	return out
}

// Every message of this domain fits its budget in every language, in the
// encoding it is sent in. English stays GSM-7; Spanish and French may be
// UCS-2 only because of their own letters (the accent policy in
// locales/README.md: a missing accent can change the meaning), never
// because of a stray curly quote or long dash.
// orthography lists the letters outside GSM-7 that a language's correct
// spelling needs: sms_allow in locales/languages.toml (locales/README.md,
// "Accents and SMS cost").
func orthography(cat *locales.Catalog, l locales.Lang) string {
	if info, ok := cat.Language(l); ok {
		return info.SMSAllow
	}
	return ""
}

func TestContentBudgets(t *testing.T) {
	e, cat := contentEngine(t)
	msgs := contentMessages(e)
	ids := make([]string, 0, len(msgs))
	for id := range msgs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, l := range locales.All {
		for _, id := range ids {
			text, err := cat.Text(l, id, map[string]string{})
			if err != nil {
				t.Errorf("%s %s: %v", l, id, err)
				continue
			}
			info := locales.MeasureSMS(text)
			if !l.UsesUCS2() && info.Encoding != locales.GSM7 {
				for _, r := range info.NonGSM {
					if !strings.ContainsRune(orthography(cat, l), r) {
						t.Errorf("%s %s: UCS-2 because of %q, not a letter of the language", l, id, r)
					}
				}
			}
			if max := budget(msgs[id], info.Encoding); info.Segments > max {
				t.Errorf("%s %s (%s): %d segments (%s, %d units); budget %d", l, id, msgs[id], info.Segments, info.Encoding, info.Units, max)
			}
		}
	}
}

// Translations record the English they were made from and are drafts.
func TestContentTranslationsAreCurrentDrafts(t *testing.T) {
	_, cat := contentEngine(t)
	for _, id := range cat.IDs() {
		if !isContentID(id) {
			continue
		}
		en, _ := cat.Lookup(locales.English, id)
		for _, l := range locales.All[1:] {
			m, ok := cat.Lookup(l, id)
			if !ok {
				t.Errorf("%s: %s missing", l, id)
				continue
			}
			if m.Review != "draft" || m.SourceHash != en.Hash() {
				t.Errorf("%s %s: review %q hash %q; want draft of the current English", l, id, m.Review, m.SourceHash)
			}
			if !locales.IsKeywordList(id) && m.Text == en.Text && !sameInEveryLanguage(en.Text) {
				t.Errorf("%s %s: still the English text", l, id)
			}
		}
	}
}

// sameInEveryLanguage is for texts such as "Washington, DC" or a citation
// list that a translation rightly keeps as is.
func sameInEveryLanguage(s string) bool {
	return !strings.Contains(s, " ") || strings.HasPrefix(s, "Washington") || strings.HasPrefix(s, "Eugene") || strings.HasPrefix(s, "Mountain View") || strings.HasPrefix(s, "Pittsburgh") || s == "Oregon" || s == "California" || s == "Pennsylvania" || s == "Hawaii" || s == "Race" || s == "Religion" || s == "Color"
}

// figure prints one line of the closing-note table.
func figure(t *testing.T, format string, args ...any) { t.Log(fmt.Sprintf(format, args...)) }

// Labels (Discord buttons and selects, trait and place names) stay short
// enough for a Discord label (80 characters) in every language.
func TestContentLabelsFitDiscord(t *testing.T) {
	_, cat := contentEngine(t)
	for _, id := range cat.IDs() {
		if !strings.HasPrefix(id, "trait.") && !strings.HasPrefix(id, "place.") && !strings.Contains(id, ".opt.") {
			continue
		}
		if !isContentID(id) {
			continue
		}
		for _, l := range locales.All {
			text, err := cat.Text(l, id, map[string]string{})
			if err != nil {
				t.Fatal(err)
			}
			if n := locales.Runes(text); n > 80 || n == 0 || strings.Contains(text, "\n") {
				t.Errorf("%s %s: %q (%d chars) is not a one-line label of at most 80 characters", l, id, text, n)
			}
		}
	}
}
