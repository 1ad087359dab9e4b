package locales

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// Problem is one finding of `rightsline lint`: where it is, what is wrong,
// in words a translator or a content writer can act on.
type Problem struct {
	// File is the catalog or flow file, relative to the repository root
	// ("locales/es.toml", "flows/housing.yaml").
	File string
	// Line is the line in File, when known.
	Line int
	// Lang is the language concerned, empty for flow problems.
	Lang Lang
	// ID is the message ID or the state ("housing.menu").
	ID string
	// Check names the rule broken, e.g. "stale" or "budget".
	Check string
	// Msg says what is wrong and how to fix it.
	Msg string
	// Warning marks the finding of a heuristic check: printed, but lint
	// still passes.
	Warning bool
}

// Errors counts the problems that are not warnings: lint fails if any.
func Errors(ps []Problem) int {
	n := 0
	for _, p := range ps {
		if !p.Warning {
			n++
		}
	}
	return n
}

// The checks lint runs, as they appear in Problem.Check.
const (
	CheckMissing     = "missing"       // a message absent in a language
	CheckOrphan      = "orphan"        // a translation of nothing in English
	CheckTemplate    = "template-vars" // {{.x}} differ from English
	CheckBudget      = "budget"        // more SMS segments than allowed
	CheckStray       = "stray-chars"   // curly quotes and the like force UCS-2
	CheckStale       = "stale"         // English changed since translation
	CheckNoHash      = "no-hash"       // translation without source hash
	CheckReview      = "review"        // review is not draft or reviewed
	CheckLabel       = "label-length"  // button label over Discord's limit
	CheckOptOut      = "opt-out-word"  // a keyword the SMS carrier swallows
	CheckKeywordDup  = "keyword-clash" // one global word, two meanings
	CheckUnreachable = "unreachable"   // no path from main.welcome
	CheckNoWayBack   = "no-way-back"   // no explicit path to main.menu
	CheckAnswerCite  = "answer-source" // an answer without source or reviewed date
	CheckReplyWord   = "reply-word"    // asks for a word the bot would not understand
	CheckSpelling    = "spelling"      // an accent dropped, or a letter outside the language's spelling
)

func (p Problem) String() string {
	loc := p.File
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	subject := p.ID
	if p.Lang != "" {
		subject = string(p.Lang) + " " + p.ID
	}
	if p.Warning {
		return fmt.Sprintf("%s: %s: [%s] warning: %s", loc, subject, p.Check, p.Msg)
	}
	return fmt.Sprintf("%s: %s: [%s] %s", loc, subject, p.Check, p.Msg)
}

// SortProblems orders problems by file, line, language and ID so that
// lint's output is stable and reads file by file.
func SortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Lang != b.Lang {
			return a.Lang < b.Lang
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Check < b.Check
	})
}

// LoadForLint reads the embedded catalog without refusing gaps, so lint
// can report every missing message at once instead of stopping at Load's
// error.
func LoadForLint() (*Catalog, error) {
	c, _, err := LoadFS(files, true)
	return c, err
}

// LangIDs lists the message IDs present in language l, sorted.
func (c *Catalog) LangIDs(l Lang) []string {
	ids := make([]string, 0, len(c.messages[l]))
	for id := range c.messages[l] {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Review states of a translation.
const (
	ReviewDraft    = "draft"    // written by us, awaiting community review
	ReviewReviewed = "reviewed" // approved by a community reviewer
)

// Lint checks the catalog on its own, without flows: every English message
// in every language and nothing more, the same template variables as
// English, a source hash that matches the English text (else the
// translation is stale), a known review status, no stray characters that
// push a GSM-7 language into UCS-2 and no keyword the SMS carrier
// swallows. Segment budgets depend on how a message is used (a menu, an
// answer, or not sent by SMS at all, like Discord's), so flows.Lint
// applies them with LintBudget.
func Lint(c *Catalog) []Problem {
	var ps []Problem
	for _, l := range c.langCodes {
		for _, id := range c.ids {
			if _, ok := c.messages[l][id]; !ok {
				en := c.messages[Source][id]
				ps = append(ps, Problem{File: "locales/" + translationFile(en.File, l), Lang: l, ID: id, Check: CheckMissing,
					Msg: fmt.Sprintf("not translated (English: %q)", Clip(en.Text, 60, Runes))})
			}
		}
		for _, id := range c.LangIDs(l) {
			m := c.messages[l][id]
			en, ok := c.messages[Source][id]
			if !ok {
				ps = append(ps, m.problem(CheckOrphan, "has no English source message: add it to the English file or remove it"))
				continue
			}
			ps = append(ps, c.lintMessage(m, en)...)
		}
		for _, m := range c.data[l] {
			if IsKeywordList(m.ID) {
				ps = append(ps, lintOptOut(m)...)
			}
		}
		for _, id := range sortedKeys(c.reviews[l]) {
			if _, ok := c.messages[l][id]; !ok {
				ps = append(ps, Problem{File: "locales/" + ReviewFile(l), Lang: l, ID: id, Check: CheckReview, Warning: true,
					Msg: "a review of a message that does not exist in this language: remove its table"})
			}
		}
	}
	SortProblems(ps)
	return ps
}

// lintMessage checks one message against its English source.
func (c *Catalog) lintMessage(m, en *Message) []Problem {
	var ps []Problem
	if m.Lang != Source {
		want, errEN := TemplateVars(en.Text)
		got, err := TemplateVars(m.Text)
		switch {
		case err != nil:
			ps = append(ps, m.problem(CheckTemplate, "template does not parse: "+err.Error()))
		case errEN == nil && !slices.Equal(want, got):
			ps = append(ps, m.problem(CheckTemplate, fmt.Sprintf("uses %s, English uses %s", varList(got), varList(want))))
		}
		switch {
		case m.SourceHash == "":
			ps = append(ps, m.problem(CheckNoHash, fmt.Sprintf("no hash: add hash = %q once the text matches the English", en.Hash())))
		case m.SourceHash == SourceHash("", en.Text) && en.Description != "":
			ps = append(ps, m.problem(CheckStale, "the hash is of the English text alone, not go-i18n's hash of description and text: run `go run ./cmd/rightsline i18n migrate`"))
		case m.SourceHash != en.Hash():
			ps = append(ps, m.problem(CheckStale, fmt.Sprintf("the English (text or description) changed since this was translated (now %q): update the translation, then `rightsline i18n hash --lang %s --id %s`", Clip(en.Text, 80, Runes), m.Lang, m.ID)))
		}
	}
	if m.InlineReview {
		ps = append(ps, m.problem(CheckReview, fmt.Sprintf("the review key belongs in locales/%s, not in the catalog (goi18n merge refuses it): run `go run ./cmd/rightsline i18n migrate`", ReviewFile(m.Lang))))
	}
	if IsKeywordList(m.ID) {
		return append(ps, lintOptOut(m)...)
	}
	if stray := StrayChars(c.encoding(m.Lang), m.Text); len(stray) > 0 {
		ps = append(ps, m.problem(CheckStray, fmt.Sprintf("%s force UCS-2 (70 characters a segment instead of 160): %s", describeRunes(stray), strayFix(stray))))
	}
	if info, ok := c.Language(m.Lang); ok {
		ps = append(ps, lintSpelling(m, info)...)
	}
	return ps
}

// lintSpelling applies a language's accents policy (languages.toml):
// no spelling from its unaccented list (an accent dropped where it changes
// the meaning), and, for a GSM-7 language with sms_allow, no character
// outside GSM-7 in its script but its own letters (a stray one is
// CheckStray's; another script is a quotation, as on the language menu).
func lintSpelling(m *Message, info *Language) []Problem {
	var ps []Problem
	text := templateAction.ReplaceAllString(m.Text, " ")
	for _, re := range info.unaccented {
		if w := re.FindString(text); w != "" {
			ps = append(ps, m.problem(CheckSpelling, fmt.Sprintf("%q: an accent dropped where it changes the meaning or the word (languages.toml, unaccented %q): write the accent; the message is then budgeted in UCS-2", w, re.String())))
		}
	}
	if info.Encoding() == GSM7 && info.SMSAllow != "" {
		var odd []rune
		for _, r := range text {
			_, stray := strayReplacements[r]
			// Letters of the language's own script only: a message that
			// offers another language quotes it (简体中文, ሰላም).
			if !IsGSM7(r) && !stray && unicode.Is(info.script, r) && !strings.ContainsRune(info.SMSAllow, r) && !slices.Contains(odd, r) {
				odd = append(odd, r)
			}
		}
		if len(odd) > 0 {
			ps = append(ps, m.problem(CheckSpelling, fmt.Sprintf("%s: outside GSM-7 and not a letter of %s spelling (sms_allow in languages.toml): it makes the message UCS-2", describeRunes(odd), info.English)))
		}
	}
	return ps
}

// templateAction matches {{...}}, which lint's spelling checks skip.
var templateAction = regexp.MustCompile(`\{\{[^}]*\}\}`)

// lintOptOut finds SMS opt-out words in a keyword list.
func lintOptOut(m *Message) []Problem {
	var ps []Problem
	for _, w := range strings.Split(m.Text, ",") {
		if optOutWords[Fold(w)] {
			ps = append(ps, m.problem(CheckOptOut, fmt.Sprintf("%q is an SMS opt-out word: the carrier answers it and stops all texts, so the bot never sees it", strings.TrimSpace(w))))
		}
	}
	return ps
}

// encoding is what language l's SMS are written for.
func (c *Catalog) encoding(l Lang) Encoding {
	if info, ok := c.Language(l); ok {
		return info.Encoding()
	}
	return GSM7
}

func (m *Message) problem(check, msg string) Problem {
	return Problem{File: "locales/" + m.File, Lang: m.Lang, ID: m.ID, Check: check, Msg: msg}
}

// translationFile names the file a missing translation belongs in: the
// English file's domain with the language ("content.en.toml" → "content.es.toml").
func translationFile(enFile string, l Lang) string {
	base := strings.TrimSuffix(enFile, ".toml")
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		return base[:i+1] + string(l) + ".toml"
	}
	return string(l) + ".toml"
}

// optOutWords are the words an SMS carrier or Twilio treats as opting out
// (or back in) when sent alone: a keyword list must never rely on them.
var optOutWords = map[string]bool{
	"stop": true, "stopall": true, "unsubscribe": true, "cancel": true, "end": true, "quit": true,
	"optout": true, "revoke": true, "start": false, "arret": true, "arrêt": true, "parar": true,
}

// Budget is how many SMS segments a message may cost.
type Budget struct {
	Name string // "menu" or "answer", for messages
	GSM  int    // segments allowed when the text is sent in GSM-7
	UCS2 int    // segments allowed when it needs UCS-2
}

// The segment budgets: a menu (or prompt) fits in 2 segments in GSM-7 and 3
// in UCS-2; an answer (and each MORE part, and a source) in 4 and 6.
var (
	BudgetMenu   = Budget{Name: "menu", GSM: 2, UCS2: 3}
	BudgetAnswer = Budget{Name: "answer", GSM: 4, UCS2: 6}
)

// For returns the segments allowed for a text sent in encoding enc. The
// budget follows the encoding, so that a message holds about as many
// characters in every language: am, ko, vi and zh are always UCS-2, and
// a French answer with ê or ç is too. StrayChars catches a message pushed
// into UCS-2 by a character that could have been avoided.
func (b Budget) For(enc Encoding) int {
	if enc == UCS2 {
		return b.UCS2
	}
	return b.GSM
}

// LintBudget checks the messages ids (every message when ids is nil) in
// every language against budget b. Keyword lists are never sent and are
// skipped.
func (c *Catalog) LintBudget(ids []string, b Budget) []Problem {
	if ids == nil {
		ids = c.ids
	}
	var ps []Problem
	for _, l := range c.langCodes {
		for _, id := range ids {
			m, ok := c.messages[l][id]
			if !ok || IsKeywordList(id) {
				continue
			}
			info := MeasureSMS(renderedLength(m.Text))
			if info.Segments <= b.For(info.Encoding) {
				continue
			}
			unit := "characters"
			if info.Encoding == GSM7 {
				unit = "septets"
			}
			msg := fmt.Sprintf("%d segments (%s, %d %s), over the %s budget of %d in %s: shorten it", info.Segments, info.Encoding, info.Units, unit, b.Name, b.For(info.Encoding), info.Encoding)
			if b.Name == BudgetAnswer.Name {
				msg += " or move the rest behind MORE"
			}
			if c.encoding(l) == GSM7 && info.Encoding == UCS2 {
				msg += fmt.Sprintf("; in GSM-7 it would be %d (non-GSM-7: %s)", gsmSegments(m.Text), describeRunes(info.NonGSM))
			}
			ps = append(ps, m.problem(CheckBudget, msg))
		}
	}
	return ps
}

// renderedLength stands template actions in for a typical value, so a
// message is measured about as long as it is sent: {{.ref}} becomes ten
// characters (a report reference), the same in every language.
func renderedLength(text string) string {
	if !strings.Contains(text, "{{") {
		return text
	}
	var b strings.Builder
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		b.WriteString("XXXXXXXXXX")
		text = text[i+j+2:]
	}
}

// gsmSegments is what text would cost if its non-GSM characters were GSM.
func gsmSegments(text string) int {
	n := 0
	for _, r := range text {
		if c, ok := gsmCost[r]; ok {
			n += c
		} else {
			n++
		}
	}
	return segments(n, 160, 153)
}

// strayReplacements maps characters that look like GSM-7 ones, and that
// editors and translation tools slip in, to what to write instead.
var strayReplacements = map[rune]string{
	'\u2018': "'", '\u2019': "'", '\u201A': "'", '\u201B': "'", '\u2032': "'", '`': "'", '\u00B4': "'",
	'\u201C': `"`, '\u201D': `"`, '\u201E': `"`, '\u00AB': `"`, '\u00BB': `"`, '\u2033': `"`,
	'\u2010': "-", '\u2011': "-", '\u2012': "-", '\u2013': "-", '\u2014': "-", '\u2015': "-", '\u2212': "-",
	'\u2026': "...", '\u2022': "-", '\u00B7': "-",
	'\u00A0': " ", '\u202F': " ", '\u2007': " ", '\u2009': " ", '\u200A': " ", '\u2002': " ", '\u2003': " ",
	'\u200B': "", '\u00AD': "", '\uFEFF': "", '\u2060': "",
}

// StrayChars returns the characters that alone push a message in a GSM-7
// language (en, es, fr: enc is the language's encoding) into UCS-2 and have
// a plain GSM-7 stand-in: curly quotes, long dashes, the ellipsis,
// non-breaking and zero-width spaces. It returns nil when the text is
// GSM-7, when the language is a UCS-2 one, or when other letters (á, ç)
// need UCS-2 anyway, so the stray ones cost nothing extra.
func StrayChars(enc Encoding, text string) []rune {
	if enc == UCS2 {
		return nil
	}
	info := MeasureSMS(text)
	if info.Encoding == GSM7 {
		return nil
	}
	for _, r := range info.NonGSM {
		if _, ok := strayReplacements[r]; !ok {
			return nil
		}
	}
	return info.NonGSM
}

func strayFix(rs []rune) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		with := strayReplacements[r]
		if with == "" {
			parts[i] = fmt.Sprintf("delete U+%04X", r)
		} else {
			parts[i] = fmt.Sprintf("write %s for U+%04X", with, r)
		}
	}
	return strings.Join(parts, ", ")
}

// describeRunes names characters readably, including invisible ones.
func describeRunes(rs []rune) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		if r == '\u00A0' || r == '\u202F' || r == '\u200B' || r == '\u00AD' || r == '\uFEFF' || r == '\u2060' || (r >= '\u2002' && r <= '\u200A') {
			parts[i] = fmt.Sprintf("U+%04X (invisible space)", r)
		} else {
			parts[i] = fmt.Sprintf("%q (U+%04X)", string(r), r)
		}
	}
	return strings.Join(parts, " ")
}

func varList(vs []string) string {
	if len(vs) == 0 {
		return "no variables"
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = "{{." + v + "}}"
	}
	return strings.Join(out, " ")
}
