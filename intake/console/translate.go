package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// The translators' pages (/console/translate): a translator, or an admin,
// reviews and fixes one language of the catalog. Each message shows its
// English, the English description, the SMS segments and the lint result
// beside the translation; an edit or a review is an append-only row in
// translation_edits and an audit_log row, in one transaction, and the
// running service applies the edits over the embedded catalog (see
// Config.TranslationsChanged and docs/translating.md).

// translateShows are the filters of the message list.
var translateShows = []option{
	{"todo", "Needs review (stale or draft)"},
	{"stale", "Stale (the English changed)"},
	{"draft", "Drafts"},
	{"reviewed", "Reviewed"},
	{"edited", "Edited in the console"},
	{"all", "All messages"},
}

// trMessage is one message of a language as the translator sees it: the
// files' text, or the latest console edit over it.
type trMessage struct {
	ID          string
	English     string
	Description string
	Text        string
	// Review is draft or reviewed; By and At say who and when.
	Review string
	By     string
	At     time.Time
	// Stale is set when the text translates older English.
	Stale bool
	// Edited is set when the text comes from a console edit (not yet in
	// the catalog files).
	Edited bool
	// SourceHash is the hash of the English the text translates.
	SourceHash string
	// Outdated is set when a review was of an earlier text.
	Outdated                  bool
	Keyword                   bool
	Segments, EnglishSegments int
	Encoding, EnglishEncoding string
	Problems                  []locales.Problem
}

// Flags for the templates.
func (m trMessage) Reviewed() bool { return m.Review == locales.ReviewReviewed }

// errNoCatalog answers the translation pages of a console built without a
// catalog.
var errNoCatalog = errorf(ENOTFOUND, "Translations are not available on this console.")

// translatorLangs is what st may translate: every language for an admin,
// the account's languages for a translator, nothing for commission staff.
func (c *Console) translatorLangs(ctx context.Context, st store.Staff) ([]locales.Lang, error) {
	switch {
	case st.IsAdmin():
		return c.labels.Langs()[1:], nil
	case st.IsTranslator():
		codes, err := c.store.StaffLangs(ctx, st.ID)
		if err != nil {
			return nil, err
		}
		var out []locales.Lang
		for _, code := range codes {
			if l, ok := c.labels.ParseLang(code); ok && l != locales.Source {
				out = append(out, l)
			}
		}
		return out, nil
	}
	return nil, nil
}

// translateLang parses {lang} and checks that s may translate it; any
// other language is errNotFound.
func (c *Console) translateLang(r *http.Request, s *session) (locales.Lang, error) {
	if c.cfg.Catalog == nil {
		return "", errNoCatalog
	}
	langs, err := c.translatorLangs(r.Context(), s.Staff)
	if err != nil {
		return "", err
	}
	for _, l := range langs {
		if string(l) == r.PathValue("lang") {
			return l, nil
		}
	}
	return "", errNotFound
}

// staffArea wraps the handlers of reports and the dashboard: translators
// see no report, so they get 404 there (and the queue, where sign-in
// lands, sends them to their translations).
func (c *Console) staffArea(h handlerFunc) http.Handler {
	return c.authed(func(w http.ResponseWriter, r *http.Request, s *session) error {
		if s.Staff.IsTranslator() {
			if r.URL.Path == Path+"/reports" {
				http.Redirect(w, r, Path+"/translate", http.StatusSeeOther)
				return nil
			}
			return errNotFound
		}
		return h(w, r, s)
	})
}

// translateHome lists the languages s may translate, or opens the only one.
func (c *Console) translateHome(w http.ResponseWriter, r *http.Request, s *session) error {
	if c.cfg.Catalog == nil {
		return errNoCatalog
	}
	langs, err := c.translatorLangs(r.Context(), s.Staff)
	if err != nil {
		return err
	}
	if len(langs) == 0 {
		return errNotFound
	}
	if len(langs) == 1 {
		http.Redirect(w, r, Path+"/translate/"+string(langs[0]), http.StatusSeeOther)
		return nil
	}
	type row struct {
		Lang, Label               string
		Total, Stale, Reviewed, N int
	}
	var rows []row
	for _, l := range langs {
		msgs, err := c.translationMessages(r.Context(), l)
		if err != nil {
			return err
		}
		rw := row{Lang: string(l), Label: c.langLabel(string(l)), Total: len(msgs)}
		for _, m := range msgs {
			if m.Stale {
				rw.Stale++
			}
			if m.Reviewed() && !m.Stale {
				rw.Reviewed++
			}
		}
		rows = append(rows, rw)
	}
	c.render(w, r, s, http.StatusOK, "translate_home", rows)
	return nil
}

// translationMessages is every message of language l as it stands: the
// catalog files, with the latest console edit of each over them.
func (c *Console) translationMessages(ctx context.Context, l locales.Lang) ([]trMessage, error) {
	edits, err := c.store.CurrentTranslationEdits(ctx, string(l))
	if err != nil {
		return nil, err
	}
	byID := make(map[string]store.TranslationEdit, len(edits))
	for _, e := range edits {
		byID[e.MessageID] = e
	}
	cat := c.cfg.Catalog
	out := make([]trMessage, 0, len(cat.IDs()))
	for _, id := range cat.IDs() {
		var e *store.TranslationEdit
		if v, ok := byID[id]; ok {
			e = &v
		}
		out = append(out, c.trMessageOf(l, id, e))
	}
	return out, nil
}

// trMessageOf builds the translator's view of one message from the files
// and its latest edit (nil: none). The edit is what stands unless it was
// made for older English while the files translate the current one.
func (c *Console) trMessageOf(l locales.Lang, id string, e *store.TranslationEdit) trMessage {
	cat := c.cfg.Catalog
	en, _ := cat.Lookup(locales.Source, id)
	m := trMessage{ID: id, English: en.Text, Description: en.Description, Keyword: locales.IsKeywordList(id), Review: locales.ReviewDraft}
	hash := en.Hash()
	if f, ok := cat.Lookup(l, id); ok {
		m.Text, m.SourceHash, m.Review, m.By, m.At, m.Outdated = f.Text, f.SourceHash, f.Review, f.ReviewedBy, f.ReviewedAt, f.ReviewOutdated
	}
	if e != nil && (e.SourceHash == hash || m.SourceHash != hash) {
		m.Text, m.SourceHash, m.Review, m.By, m.At, m.Edited, m.Outdated = e.Text, e.SourceHash, e.Status, e.StaffName, e.CreatedAt, true, false
	}
	m.Stale = m.SourceHash != hash
	info := locales.MeasureMessage(m.Text)
	m.Segments, m.Encoding = info.Segments, info.Encoding.String()
	info = locales.MeasureMessage(m.English)
	m.EnglishSegments, m.EnglishEncoding = info.Segments, info.Encoding.String()
	m.Problems, _ = cat.CheckEdit(l, id, m.Text)
	return m
}

// matches reports whether m passes the list's filter and search.
func (m trMessage) matches(show, q string) bool {
	switch show {
	case "todo":
		if !m.Stale && m.Reviewed() {
			return false
		}
	case "stale":
		if !m.Stale {
			return false
		}
	case "draft":
		if m.Reviewed() {
			return false
		}
	case "reviewed":
		if !m.Reviewed() {
			return false
		}
	case "edited":
		if !m.Edited {
			return false
		}
	}
	if q == "" {
		return true
	}
	q = strings.ToLower(q)
	return strings.Contains(strings.ToLower(m.ID), q) || strings.Contains(strings.ToLower(m.English), q) || strings.Contains(strings.ToLower(m.Text), q)
}

// translateListPage is the data of the translate template.
type translateListPage struct {
	Lang, Label string
	Show, Q     string
	Shows       []option
	Items       []trMessage
	Total       int
	Stale       int
	Reviewed    int
	Problems    int
}

// translateList lists a language's messages, the ones to review first.
func (c *Console) translateList(w http.ResponseWriter, r *http.Request, s *session) error {
	l, err := c.translateLang(r, s)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	show := q.Get("show")
	if !slices.ContainsFunc(translateShows, func(o option) bool { return o.Value == show }) {
		show = "todo"
	}
	search := strings.TrimSpace(q.Get("q"))
	if len(search) > 200 {
		return errorf(EINVALID, "The search is too long.")
	}
	msgs, err := c.translationMessages(r.Context(), l)
	if err != nil {
		return err
	}
	page := translateListPage{Lang: string(l), Label: c.langLabel(string(l)), Show: show, Q: search, Shows: translateShows, Total: len(msgs)}
	for _, m := range msgs {
		if m.Stale {
			page.Stale++
		}
		if m.Reviewed() && !m.Stale {
			page.Reviewed++
		}
		if locales.Errors(m.Problems) > 0 {
			page.Problems++
		}
		if m.matches(show, search) {
			page.Items = append(page.Items, m)
		}
	}
	c.render(w, r, s, http.StatusOK, "translate", page)
	return nil
}

// translateMessagePage is the data of the translate_message template.
type translateMessagePage struct {
	Lang, Label string
	Message     trMessage
	// Draft is the text in the form: the message's, or what was just
	// refused.
	Draft   string
	Error   string
	History []store.TranslationEdit
	// Next is the next message needing review, if any.
	Next string
}

// translateMessage shows one message beside its English, with the form to
// fix it and mark it reviewed.
func (c *Console) translateMessage(w http.ResponseWriter, r *http.Request, s *session) error {
	l, err := c.translateLang(r, s)
	if err != nil {
		return err
	}
	page, err := c.messagePage(r.Context(), l, r.PathValue("id"))
	if err != nil {
		return err
	}
	c.render(w, r, s, http.StatusOK, "translate_message", page)
	return nil
}

func (c *Console) messagePage(ctx context.Context, l locales.Lang, id string) (translateMessagePage, error) {
	if !c.cfg.Catalog.Has(id) {
		return translateMessagePage{}, errNotFound
	}
	msgs, err := c.translationMessages(ctx, l)
	if err != nil {
		return translateMessagePage{}, err
	}
	page := translateMessagePage{Lang: string(l), Label: c.langLabel(string(l))}
	found := false
	for _, m := range msgs {
		if m.ID == id {
			page.Message, page.Draft, found = m, m.Text, true
			continue
		}
		if found && page.Next == "" && m.matches("todo", "") {
			page.Next = m.ID
		}
	}
	if page.History, err = c.store.TranslationEditHistory(ctx, string(l), id, 20); err != nil {
		return translateMessagePage{}, err
	}
	return page, nil
}

// maxTranslationBytes bounds a translation typed into the form.
const maxTranslationBytes = 4 << 10

// saveTranslation stores the form's text as a draft (action "save") or as
// reviewed by the signed-in person (action "review"), audited in the same
// transaction, and tells the service to apply it.
func (c *Console) saveTranslation(w http.ResponseWriter, r *http.Request, s *session) error {
	l, err := c.translateLang(r, s)
	if err != nil {
		return err
	}
	ctx := r.Context()
	id := r.PathValue("id")
	page, err := c.messagePage(ctx, l, id)
	if err != nil {
		return err
	}
	// Browsers send a textarea's line breaks as CRLF; the catalog has LF.
	text := strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")
	status := locales.ReviewDraft
	switch r.PostFormValue("action") {
	case "save":
	case "review":
		status = locales.ReviewReviewed
	default:
		return errorf(EINVALID, "Choose Save draft or Save and mark reviewed.")
	}
	refuse := func(msg string) error {
		page.Draft, page.Error = text, msg
		c.render(w, r, s, http.StatusUnprocessableEntity, "translate_message", page)
		return nil
	}
	switch {
	case len(text) > maxTranslationBytes:
		return refuse(fmt.Sprintf("The text is longer than %d bytes; an SMS message is far shorter.", maxTranslationBytes))
	case strings.ContainsRune(text, 0) || !validText(text):
		return refuse("The text holds characters that cannot be sent (a NUL or invalid UTF-8).")
	}
	ps, err := c.cfg.Catalog.CheckEdit(l, id, text)
	if err != nil {
		return errNotFound
	}
	if locales.Errors(ps) > 0 {
		page.Message.Problems = ps
		var msgs []string
		for _, p := range ps {
			if !p.Warning {
				msgs = append(msgs, p.Msg)
			}
		}
		return refuse("Not saved: " + strings.Join(msgs, "; "))
	}
	en, _ := c.cfg.Catalog.Lookup(locales.Source, id)
	m := page.Message
	if text == m.Text && status == m.Review && !m.Stale {
		http.Redirect(w, r, translatePath(l, id)+"?done=nochange", http.StatusSeeOther)
		return nil
	}
	action := "translation.edit"
	if status == locales.ReviewReviewed {
		action = "translation.review"
	}
	err = c.store.InTx(ctx, func(tx *store.Tx) error {
		e := store.TranslationEdit{Lang: string(l), MessageID: id, Text: text, SourceHash: en.Hash(), Status: status, StaffID: s.Staff.ID, StaffName: signer(s.Staff)}
		if err := tx.InsertTranslationEdit(ctx, &e); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: action, Detail: string(l) + " " + id, IP: c.clientIP(r)})
	})
	if err != nil {
		return err
	}
	c.translationsChanged(ctx)
	done := "translation"
	if status == locales.ReviewReviewed {
		done = "reviewed"
	}
	http.Redirect(w, r, translatePath(l, id)+"?done="+done, http.StatusSeeOther)
	return nil
}

// translationsChanged tells the service that edits changed, so it applies
// them now rather than at its next poll.
func (c *Console) translationsChanged(ctx context.Context) {
	if c.cfg.TranslationsChanged == nil {
		return
	}
	if err := c.cfg.TranslationsChanged(ctx); err != nil {
		c.log.Error("console: applying translation edits", "err", err)
	}
}

// signer is the name a translator's edits are signed with.
func signer(st store.Staff) string {
	if n := strings.TrimSpace(st.Name); n != "" {
		return n
	}
	return st.Email
}

func translatePath(l locales.Lang, id string) string {
	return Path + "/translate/" + string(l) + "/messages/" + url.PathEscape(id)
}

func validText(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// ApplyTranslationEdits reads the latest console edit of every message
// and applies them over cat (locales.Catalog.ApplyEdits). The service
// calls it at start, after each console change and on a timer; it returns
// how many applied and why the others did not.
func ApplyTranslationEdits(ctx context.Context, st *store.Store, cat *locales.Catalog) (int, []string, error) {
	edits, err := st.CurrentTranslationEdits(ctx, "")
	if err != nil {
		return 0, nil, err
	}
	var list []locales.Edit
	for _, e := range edits {
		l, ok := cat.ParseLang(e.Lang)
		if !ok {
			continue
		}
		list = append(list, locales.Edit{Lang: l, ID: e.MessageID, Text: e.Text, SourceHash: e.SourceHash})
	}
	n, skipped := cat.ApplyEdits(list)
	return n, skipped, nil
}
