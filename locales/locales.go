// Package locales holds every word Rightsline says, one go-i18n TOML file per
// language, embedded in the binary, and the catalog that renders them.
//
// A message missing in a language is an error, never a silent English
// fallback: Load refuses an incomplete catalog unless told to allow it (as
// lint does, to report every gap at once).
package locales

import (
	"bytes"
	"crypto/sha1"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/template/parse"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	i18ntemplate "github.com/nicksnyder/go-i18n/v2/i18n/template"
	gotoml "github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"
)

//go:embed *.toml review/*.toml detect/*.toml
var files embed.FS

// Lang is a supported language tag, as used in file names and stored on
// contacts.
type Lang string

// The languages of DC's Language Access Act, plus English, by name for
// code and tests that mean one of them. The list of languages, and
// everything about each, is data: languages.toml (see languages.go).
const (
	English            Lang = "en"
	Spanish            Lang = "es"
	ChineseSimplified  Lang = "zh-Hans"
	ChineseTraditional Lang = "zh-Hant"
	Vietnamese         Lang = "vi"
	Korean             Lang = "ko"
	Amharic            Lang = "am"
	French             Lang = "fr"
)

// Source is the language every other translation is made from.
const Source = English

// Message is one message in one language, with what lint and
// `i18n status` need to know about it.
type Message struct {
	ID   string
	Lang Lang
	Text string
	// SourceHash is the hash of the English message this translation was
	// made from, as go-i18n computes it (see SourceHash). Empty in English.
	SourceHash string
	// Review is "draft" for machine or staff drafts awaiting community
	// review, "reviewed" once a community reviewer has approved this text.
	// It comes from the review sidecar (review/<lang>.toml), never from the
	// catalog file; empty in English.
	Review string
	// ReviewedBy and ReviewedAt say who approved the text and when (zero
	// when unknown or not reviewed).
	ReviewedBy string
	ReviewedAt time.Time
	// ReviewOutdated is set when a reviewer approved an earlier text of
	// this translation: it was edited since, so it is a draft again.
	ReviewOutdated bool
	// InlineReview is set when the catalog file itself carries a review
	// key, the format before the sidecar: lint asks for `i18n migrate`.
	InlineReview bool
	// Description tells translators where and how the message is used.
	Description string
	// File is the catalog file the message was read from.
	File string
}

// fileLang reads the language from a file name: "es.toml" or
// "housing.es.toml".
func (c *Catalog) fileLang(name string) (Lang, bool) {
	base := strings.TrimSuffix(path.Base(name), ".toml")
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		base = base[i+1:]
	}
	_, ok := c.Language(Lang(base))
	return Lang(base), ok
}

// Keyword lists live in the catalog too, under IDs starting with "kw.": a
// comma-separated list of words and phrases that select something. They are
// matched, never sent.
const KeywordPrefix = "kw."

// IsKeywordList reports whether id names a keyword list rather than a message.
func IsKeywordList(id string) bool { return strings.HasPrefix(id, KeywordPrefix) }

// Catalog renders messages. It is safe for concurrent use.
type Catalog struct {
	// goi18n renders the messages with template actions, one go-i18n
	// bundle per language, built at its first use (see goi18nLang).
	goi18n   map[Lang]*goi18nLang
	messages map[Lang]map[string]*Message
	// static caches the text of messages without template actions, so the
	// hot path renders them without allocating.
	static map[Lang]map[string]string
	ids    []string
	// reviews are the sidecar records as read, per language.
	reviews map[Lang]Reviews
	// over holds translators' edits applied over the files (ApplyEdits).
	over overlayState
	// langs is the languages file; data the messages made from it
	// (language names, their menu keywords, command words), kept apart
	// from the translated messages: they have no hash or review.
	langs     []*Language
	langCodes []Lang
	data      map[Lang]map[string]*Message
	// det is the detection data (detect/*.toml) for langs.
	det *detector
	// keywords caches Keywords' split and folded lists (keywordKey to
	// *keywordList), each with the text it was made from, so an edit made
	// later is noticed: interceptors read every language's lists on every
	// message.
	keywords sync.Map
	// anyLang caches AnyLangKeyword's indexes, one per list (id to
	// *anyLangIndex), each with the overlay it was built under.
	anyLang sync.Map
}

// keywordKey names one keyword list in one language.
type keywordKey struct {
	lang Lang
	id   string
}

// keywordList is a cached Keywords result and the text it was made from.
type keywordList struct {
	text  string
	words []string
}

// goi18nLang is one language's go-i18n bundle. Load builds it at the
// language's first message with template actions, not at start-up, where
// go-i18n's parse of every file was a third of the catalog's CPU: the
// messages without actions never reach go-i18n (Catalog.static), and most
// processes render the templates of one or two languages. LoadFS, which
// lint and the tools use, builds every bundle at once, so a file go-i18n
// refuses is still reported by them (and by the tests, on the embedded
// files) as before.
type goi18nLang struct {
	once sync.Once
	// files are the language's decoded files, kept until the bundle is
	// built.
	files []decodedTree
	loc   *i18n.Localizer
	err   error
}

// decodedTree is a message file as decoded, for go-i18n.
type decodedTree struct {
	name string
	buf  []byte
	raw  map[string]any
}

// localizer returns language l's go-i18n localizer, building its bundle
// at the first call.
func (c *Catalog) localizer(l Lang) (*i18n.Localizer, error) {
	g := c.goi18n[l]
	if g == nil {
		return nil, fmt.Errorf("%w: no language %s", ErrMissing, l)
	}
	g.once.Do(func() {
		tag := language.Make(string(l))
		b := i18n.NewBundle(tag)
		for _, f := range g.files {
			decoded := func(_ []byte, v any) error { *v.(*any) = f.raw; return nil }
			if _, err := b.ParseMessageBytes(tag, f.buf, decoded); err != nil {
				g.err = fmt.Errorf("locales: %s: %w", f.name, err)
				return
			}
		}
		g.files = nil
		g.loc = i18n.NewLocalizer(b, string(l))
	})
	return g.loc, g.err
}

// ErrMissing is returned when a message does not exist in a language.
var ErrMissing = errors.New("locales: message missing")

// Load reads the embedded catalog and checks that every message exists in
// every language.
func Load() (*Catalog, error) {
	c, problems, err := loadFS(files, false, true)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("locales: incomplete catalog (run `rightsline lint`):\n  %s", strings.Join(problems, "\n  "))
	}
	return c, nil
}

// LoadFS reads a catalog from fsys: the languages file (languages.toml;
// without one, the embedded languages) and message files named after their
// language ("es.toml"), optionally with a domain before it
// ("intake.es.toml"). Completeness problems are returned as a list rather
// than an error so that lint can report them all; when allowIncomplete is
// false the caller should treat them as fatal.
func LoadFS(fsys fs.FS, allowIncomplete bool) (*Catalog, []string, error) {
	return loadFS(fsys, allowIncomplete, false)
}

// loadFS is LoadFS; lazyGoi18n leaves the go-i18n bundles to their first
// use (see goi18nLang).
func loadFS(fsys fs.FS, allowIncomplete, lazyGoi18n bool) (*Catalog, []string, error) {
	c := &Catalog{
		goi18n:   make(map[Lang]*goi18nLang),
		messages: make(map[Lang]map[string]*Message),
		static:   make(map[Lang]map[string]string),
		reviews:  make(map[Lang]Reviews),
	}
	c.langs = embedded
	switch buf, err := fs.ReadFile(fsys, LanguagesFile); {
	case err == nil:
		if c.langs, err = readLanguages(buf); err != nil {
			return nil, nil, err
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, nil, fmt.Errorf("locales: %w", err)
	}
	c.langCodes = codes(c.langs)
	c.data = dataMessages(c.langs)
	var err error
	if c.det, err = readDetector(fsys, c.langs, false); err != nil {
		return nil, nil, err
	}
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(names)
	for _, l := range c.langCodes {
		c.messages[l] = map[string]*Message{}
		c.goi18n[l] = &goi18nLang{}
	}
	// The files are decoded at once, each on its own goroutine (TOML
	// decoding is most of the catalog's start-up), then added in name
	// order, so that errors and duplicates are found as one by one.
	type decodedFile struct {
		name string
		lang Lang
		buf  []byte
		raw  map[string]any
		msgs map[string]*Message
		err  error
	}
	decodedFiles := make([]decodedFile, 0, len(names))
	for _, name := range names {
		if name == LanguagesFile {
			continue
		}
		l, ok := c.fileLang(name)
		if !ok {
			return nil, nil, fmt.Errorf("locales: %s: the file name does not end in a language of %s (%v)", name, LanguagesFile, c.langCodes)
		}
		decodedFiles = append(decodedFiles, decodedFile{name: name, lang: l})
	}
	var wg sync.WaitGroup
	for i := range decodedFiles {
		f := &decodedFiles[i]
		wg.Go(func() {
			buf, err := fs.ReadFile(fsys, f.name)
			if err != nil {
				f.err = fmt.Errorf("locales: %s: %w", f.name, err)
				return
			}
			// The file is decoded once: the fields go-i18n ignores are
			// read first, then removed (go-i18n refuses keys it does not
			// know, review), and go-i18n builds its messages from the
			// same tree rather than from a re-encoded copy, which tripled
			// the start-up cost of the catalog.
			raw, err := decodeCatalogFile(buf)
			if err != nil {
				f.err = fmt.Errorf("locales: %s: %w", f.name, err)
				return
			}
			msgs, err := metaOf(raw, f.lang)
			if err != nil {
				f.err = fmt.Errorf("locales: %s: %w", f.name, err)
				return
			}
			stripOwnKeys(raw)
			f.buf, f.raw, f.msgs = buf, raw, msgs
		})
	}
	wg.Wait()
	for i := range decodedFiles {
		f := &decodedFiles[i]
		if f.err != nil {
			return nil, nil, f.err
		}
		name, l := f.name, f.lang
		g := c.goi18n[l]
		g.files = append(g.files, decodedTree{name: name, buf: f.buf, raw: f.raw})
		for id, m := range f.msgs {
			if _, dup := c.messages[l][id]; dup {
				return nil, nil, fmt.Errorf("locales: %s: message %q is defined twice for %s", name, id, l)
			}
			if _, dup := c.data[l][id]; dup {
				return nil, nil, fmt.Errorf("locales: %s: message %q comes from %s; remove it here", name, id, LanguagesFile)
			}
			m.File = name
			c.messages[l][id] = m
		}
	}
	for _, l := range c.langCodes[1:] {
		rs, err := readReviews(fsys, l)
		if err != nil {
			return nil, nil, fmt.Errorf("locales: %s: %w", ReviewFile(l), err)
		}
		c.reviews[l] = rs
		for id, m := range c.messages[l] {
			if r, ok := rs[id]; ok {
				applyReview(m, &r)
			} else if !m.InlineReview || m.Review == "" {
				applyReview(m, nil)
			}
		}
	}
	for _, l := range c.langCodes {
		if !lazyGoi18n {
			if _, err := c.localizer(l); err != nil {
				return nil, nil, err
			}
		}
		st := make(map[string]string, len(c.messages[l])+len(c.data[l]))
		for id, m := range c.messages[l] {
			if !strings.Contains(m.Text, "{{") {
				st[id] = m.Text
			}
		}
		for id, m := range c.data[l] {
			st[id] = m.Text
		}
		c.static[l] = st
	}
	for id := range c.messages[Source] {
		c.ids = append(c.ids, id)
	}
	sort.Strings(c.ids)
	var problems []string
	for _, l := range c.langCodes[1:] {
		for _, id := range c.ids {
			if _, ok := c.messages[l][id]; !ok {
				problems = append(problems, fmt.Sprintf("%s: message %q is missing (English: %q)", l, id, c.messages[Source][id].Text))
			}
		}
		for id := range c.messages[l] {
			if _, ok := c.messages[Source][id]; !ok {
				problems = append(problems, fmt.Sprintf("%s: message %q has no English source", l, id))
			}
		}
	}
	sort.Strings(problems)
	return c, problems, nil
}

// decodeCatalogFile decodes a message file into the tree go-i18n reads.
// It uses go-toml, about five times faster than BurntSushi/toml (which
// go-i18n's tools use and the tests keep as the reference: the two must
// decode every embedded file alike); a syntax error says its line.
func decodeCatalogFile(buf []byte) (map[string]any, error) {
	var raw map[string]any
	if err := gotoml.Unmarshal(buf, &raw); err != nil {
		var de *gotoml.DecodeError
		if errors.As(err, &de) {
			line, col := de.Position()
			return nil, fmt.Errorf("line %d, column %d: %w", line, col, err)
		}
		return nil, err
	}
	return raw, nil
}

// ownKeys are message fields Rightsline keeps that go-i18n does not know.
var ownKeys = []string{"review"}

// stripOwnKeys removes ownKeys from a decoded catalog file, for go-i18n.
func stripOwnKeys(raw map[string]any) {
	for _, v := range raw {
		if fields, ok := v.(map[string]any); ok {
			for _, k := range ownKeys {
				delete(fields, k)
			}
		}
	}
}

// readMeta decodes the fields go-i18n ignores (review) alongside the text.
func readMeta(buf []byte, l Lang) (map[string]*Message, error) {
	var raw map[string]any
	if err := toml.Unmarshal(buf, &raw); err != nil {
		return nil, err
	}
	return metaOf(raw, l)
}

// metaOf is readMeta on a decoded file.
func metaOf(raw map[string]any, l Lang) (map[string]*Message, error) {
	out := make(map[string]*Message, len(raw))
	for id, v := range raw {
		m := &Message{ID: id, Lang: l}
		switch v := v.(type) {
		case string: // the short form: id = "text"
			m.Text = v
		case map[string]any:
			field := func(k string) string { s, _ := v[k].(string); return s }
			m.Text, m.SourceHash, m.Description = field("other"), field("hash"), field("description")
			if r, ok := v["review"]; ok {
				m.InlineReview = true
				m.Review, _ = r.(string)
			}
		default:
			return nil, fmt.Errorf("message %q: want a string or a table, got %T", id, v)
		}
		out[id] = m
	}
	return out, nil
}

// IDs lists every message ID of the source language's message files,
// sorted; the messages made from languages.toml are not among them.
func (c *Catalog) IDs() []string { return c.ids }

// Has reports whether id exists in the source language.
func (c *Catalog) Has(id string) bool { _, ok := c.Lookup(Source, id); return ok }

// Lookup returns the stored message, or false.
func (c *Catalog) Lookup(l Lang, id string) (*Message, bool) {
	if m, ok := c.messages[l][id]; ok {
		return m, true
	}
	m, ok := c.data[l][id]
	return m, ok
}

var strictParser = &i18ntemplate.TextParser{Option: "missingkey=error"}

// Text renders message id in language l. data fills template actions such
// as {{.Ref}}; a missing value is an error, never "<no value>".
func (c *Catalog) Text(l Lang, id string, data map[string]string) (string, error) {
	if s, t, ok := c.edited(l, id); ok {
		return renderEdited(l, id, s, t, data)
	}
	if s, ok := c.static[l][id]; ok {
		return s, nil
	}
	if _, ok := c.messages[l][id]; !ok {
		return "", fmt.Errorf("%w: %s in %s", ErrMissing, id, l)
	}
	loc, err := c.localizer(l)
	if err != nil {
		return "", err
	}
	var td any
	if data != nil {
		td = data
	} else {
		td = map[string]string{}
	}
	out, tag, err := loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: id, TemplateData: td, TemplateParser: strictParser})
	if err != nil {
		return "", fmt.Errorf("locales: %s in %s: %w", id, l, err)
	}
	if tag.String() != string(l) {
		return "", fmt.Errorf("%w: %s in %s (got %s)", ErrMissing, id, l, tag)
	}
	return out, nil
}

// Keywords returns the keyword list id in language l, lower-cased and split
// on commas. It returns nil if the list does not exist. The list is cached
// and shared: read it, never modify it.
func (c *Catalog) Keywords(l Lang, id string) []string {
	text, ok := c.keywordText(c.over.Load(), l, id)
	if !ok {
		return nil
	}
	key := keywordKey{l, id}
	if v, ok := c.keywords.Load(key); ok {
		if kl := v.(*keywordList); kl.text == text {
			return kl.words
		}
	}
	// Clipped: a caller appending to the list gets a copy, never writes
	// into the cached one.
	out := slices.Clip(splitKeywords(text))
	c.keywords.Store(key, &keywordList{text: text, words: out})
	return out
}

// keywordText is keyword list id's text in l under the translators'
// edits of overlay o (nil: none); false when l has no such message.
func (c *Catalog) keywordText(o *overlay, l Lang, id string) (string, bool) {
	m, ok := c.Lookup(l, id)
	if !ok {
		return "", false
	}
	if o != nil {
		if s, ok := o.text[l][id]; ok {
			return s, true
		}
	}
	return m.Text, true
}

// splitKeywords is a keyword list's words: comma-separated, folded, the
// empty ones dropped.
func splitKeywords(text string) []string {
	var out []string
	for _, w := range strings.Split(text, ",") {
		if w = strings.TrimSpace(Fold(w)); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// Fold normalises text for matching: lower case, trimmed, inner runs of
// white space collapsed. It is strings.Join(strings.Fields(
// strings.ToLower(s)), " ") in one pass and one allocation (none when s
// is folded already): every message is folded.
func Fold(s string) string {
	if isFolded(s) {
		return s
	}
	b, _ := foldWithin(make([]byte, 0, len(s)), s, math.MaxInt)
	// b is this call's own buffer, never written again: the string can
	// share it, as strings.Builder's String does.
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// caseless reports whether r is in a block of letters without case
// (Ethiopic, CJK ideographs, Hangul syllables), which Fold keeps as they
// are without searching Unicode's case tables.
func caseless(r rune) bool {
	return r >= 0x1200 && r <= 0x137F || r >= 0x4E00 && r <= 0x9FFF || r >= 0xAC00 && r <= 0xD7A3
}

// isFolded reports whether Fold(s) is s: ASCII without capitals, single
// spaces between words and none at either end.
func isFolded(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf, 'A' <= c && c <= 'Z', c >= '\t' && c <= '\r':
			return false
		case c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' '):
			return false
		}
	}
	return true
}

// SourceHash is the hash a translation records of the English message it
// was made from: go-i18n's own (goi18n merge), SHA-1 over the English
// description followed by the text. A changed description therefore makes
// the translations stale too, as it does in goi18n.
func SourceHash(description, text string) string {
	h := sha1.New()
	h.Write([]byte(description))
	h.Write([]byte(text))
	return "sha1-" + hex.EncodeToString(h.Sum(nil))
}

// Hash is SourceHash of this (English) message.
func (m *Message) Hash() string { return SourceHash(m.Description, m.Text) }

// TemplateVars lists the template fields ({{.Name}}) used in text, sorted.
func TemplateVars(text string) ([]string, error) {
	trees, err := parse.Parse("m", text, "{{", "}}")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			seen[strings.Join(n.Ident, ".")] = true
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		}
	}
	for _, t := range trees {
		walk(t.Root)
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}

// EncodeTOML writes messages in the catalog's file format; used by tools
// that add or refresh translations. Review status is not part of it (see
// EncodeReviews).
func EncodeTOML(msgs []*Message) ([]byte, error) {
	var b bytes.Buffer
	sort.Slice(msgs, func(i, j int) bool { return msgs[i].ID < msgs[j].ID })
	for _, m := range msgs {
		fmt.Fprintf(&b, "[%q]\n", m.ID)
		if m.Description != "" {
			fmt.Fprintf(&b, "description = %q\n", m.Description)
		}
		if m.SourceHash != "" {
			fmt.Fprintf(&b, "hash = %q\n", m.SourceHash)
		}
		fmt.Fprintf(&b, "other = %q\n\n", m.Text)
	}
	return b.Bytes(), nil
}

// EncodeReviews writes the review sidecar of language l for messages whose
// Review is set to reviewed (by ReviewedBy at ReviewedAt): what a test or
// a tool that builds a catalog in memory puts at ReviewFile(l).
func EncodeReviews(l Lang, msgs []*Message) []byte {
	rs := Reviews{}
	for _, m := range msgs {
		if m.Review != ReviewReviewed {
			continue
		}
		r := ReviewRecord{Status: ReviewReviewed, By: m.ReviewedBy, Text: TextHash(m.Text)}
		if !m.ReviewedAt.IsZero() {
			r.At = m.ReviewedAt.UTC().Format(time.RFC3339)
		}
		rs[m.ID] = r
	}
	return rs.Encode(l)
}
