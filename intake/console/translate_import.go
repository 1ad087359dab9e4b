package console

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Importing an offline review (CSV or XLIFF) takes two steps: the upload
// shows a preview of what would change (each message's text before and
// after, its review state, the rows not applied and why) and applies
// nothing; the preview's confirm button sends the same file back with a
// fingerprint of the plan, and only then is every change stored, in one
// transaction with one audit row. If a message changed between the
// preview and the confirm (another translator saved it), the plan differs
// and the preview is shown again instead.

// exportCSV sends every message of the language, as it stands (the files
// and the console's edits), as a review spreadsheet. The export is
// audited.
func (c *Console) exportCSV(w http.ResponseWriter, r *http.Request, s *session) error {
	l, err := c.translateLang(r, s)
	if err != nil {
		return err
	}
	ctx := r.Context()
	msgs, err := c.translationMessages(ctx, l)
	if err != nil {
		return err
	}
	rows := make([]locales.ReviewRow, 0, len(msgs))
	for _, m := range msgs {
		en, _ := c.cfg.Catalog.Lookup(locales.Source, m.ID)
		row := locales.ReviewRow{ID: m.ID, English: m.English, Translation: m.Text, Notes: m.Description,
			Segments: m.Segments, Lint: locales.LintSummary(m.Problems), Review: m.Review, SourceHash: en.Hash()}
		if m.Reviewed() {
			row.Reviewer = m.By
			if !m.At.IsZero() {
				row.ReviewedAt = m.At.UTC().Format("2006-01-02T15:04:05Z")
			}
		}
		if m.Stale {
			row.Review = locales.ReviewStale
		}
		rows = append(rows, row)
	}
	var buf bytes.Buffer
	if err := locales.WriteCSV(&buf, l, rows); err != nil {
		return err
	}
	if err := c.store.InTx(ctx, func(tx *store.Tx) error {
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: "translation.export", Detail: fmt.Sprintf("%s: %d messages (csv)", l, len(rows)), IP: c.clientIP(r)})
	}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="rightsline-`+string(l)+`.csv"`)
	_, _ = buf.WriteTo(w)
	return nil
}

// importChange is one message an import changes.
type importChange struct {
	ID, English          string
	Old, New             string
	OldReview, NewReview string
	// WasStale is set when the message was stale and this fixes it.
	WasStale bool
}

// TextChanged tells the template whether the text (not only the review
// state) changes.
func (ch importChange) TextChanged() bool { return ch.Old != ch.New }

// importPlan is what an uploaded file would do, and the data of the
// translate_import template (a preview until Applied).
type importPlan struct {
	Lang, Label, Format, FileName string
	Changes                       []importChange
	edits                         []store.TranslationEdit
	Reviewed, Unchanged           int
	// Stale lists the rows whose English changed since the export: not
	// applied; Skipped the other rows not applied, each with why.
	Stale, Skipped []string
	// Data is the file, base64, for the confirm form; Fingerprint
	// identifies the plan, so a confirm applies what was previewed.
	Data, Fingerprint string
	// Applied is set once stored; Moved when the confirm found a changed
	// plan and shows it again.
	Applied, Moved bool
}

// planImport reads file (CSV or XLIFF) for language l and works out what
// it would change against the messages as they stand. A file refused
// whole is an EINVALID error with the reason; nothing is stored either way.
func (c *Console) planImport(r *http.Request, s *session, l locales.Lang, file []byte, name string) (*importPlan, error) {
	fileLang, rows, format, err := locales.ReadReviewFile(bytes.NewReader(file))
	if locales.IsBadReviewFile(err) {
		reason := err.Error()
		for _, e := range []error{locales.ErrBadCSV, locales.ErrBadXLIFF} {
			reason = strings.TrimPrefix(reason, e.Error()+": ")
		}
		return nil, errorf(EINVALID, "The file was not imported; nothing changed: %s.", reason)
	}
	if err != nil {
		return nil, err
	}
	if fileLang != l {
		return nil, errorf(EINVALID, "The file was not imported; nothing changed: it is for %s, and this page is %s. Import it on the %s page.", c.langLabel(string(fileLang)), c.langLabel(string(l)), c.langLabel(string(fileLang)))
	}
	msgs, err := c.translationMessages(r.Context(), l)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]trMessage, len(msgs))
	for _, m := range msgs {
		byID[m.ID] = m
	}
	cat := c.cfg.Catalog
	plan := &importPlan{Lang: string(l), Label: c.langLabel(string(l)), Format: format, FileName: name}
	fp := sha256.New()
	fmt.Fprintf(fp, "%s\x00%d\x00", l, s.Staff.ID)
	var refused []string
	where := func(row locales.ReviewRow) string {
		if row.Line > 0 {
			return fmt.Sprintf("line %d, %s", row.Line, row.ID)
		}
		return row.ID
	}
	for _, row := range rows {
		m, ok := byID[row.ID]
		en, _ := cat.Lookup(locales.Source, row.ID)
		switch {
		case !ok:
			plan.Skipped = append(plan.Skipped, where(row)+": no such message (removed since the export?)")
			continue
		case row.English != m.English || (row.SourceHash != "" && row.SourceHash != en.Hash()):
			plan.Stale = append(plan.Stale, where(row)+": the English changed since the export; not applied. Export again and review it against the new English")
			continue
		case row.Translation == "":
			plan.Skipped = append(plan.Skipped, where(row)+": no translation in the file")
			continue
		}
		text := row.Translation
		// A stale message left as it was stays stale: only a new text or a
		// review says someone checked it against the new English.
		unchanged := text == m.Text && row.Review == m.Review && !m.Stale
		if m.Stale && text == m.Text && row.Review != locales.ReviewReviewed {
			unchanged = true
		}
		if unchanged {
			plan.Unchanged++
			continue
		}
		switch {
		case len(text) > maxTranslationBytes:
			refused = append(refused, fmt.Sprintf("%s: longer than %d bytes", where(row), maxTranslationBytes))
			continue
		case strings.ContainsRune(text, 0) || !validText(text):
			refused = append(refused, where(row)+": characters that cannot be sent")
			continue
		}
		ps, err := cat.CheckEdit(l, row.ID, text)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if !p.Warning {
				refused = append(refused, where(row)+": "+p.Msg)
			}
		}
		plan.Changes = append(plan.Changes, importChange{ID: row.ID, English: m.English, Old: m.Text, New: text, OldReview: m.Review, NewReview: row.Review, WasStale: m.Stale})
		plan.edits = append(plan.edits, store.TranslationEdit{Lang: string(l), MessageID: row.ID, Text: text, SourceHash: en.Hash(), Status: row.Review, StaffID: s.Staff.ID, StaffName: signer(s.Staff)})
		if row.Review == locales.ReviewReviewed {
			plan.Reviewed++
		}
		fmt.Fprintf(fp, "%s\x00%s\x00%s\x00%s\x00%s\x00", row.ID, m.Text, m.Review, text, row.Review)
	}
	if len(refused) > 0 {
		if len(refused) > 10 {
			refused = append(refused[:10], fmt.Sprintf("and %d more", len(refused)-10))
		}
		return nil, errorf(EINVALID, "The file was not imported; nothing changed. Fix these and upload it again: %s.", strings.Join(refused, "; "))
	}
	plan.Data = base64.StdEncoding.EncodeToString(file)
	plan.Fingerprint = hex.EncodeToString(fp.Sum(nil))
	return plan, nil
}

// uploadImport reads an uploaded review file and shows its preview.
func (c *Console) uploadImport(w http.ResponseWriter, r *http.Request, s *session) error {
	l, err := c.translateLang(r, s)
	if err != nil {
		return err
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return errorf(EINVALID, "Choose a CSV or XLIFF file to upload.")
	}
	defer f.Close()
	file, err := io.ReadAll(io.LimitReader(f, locales.MaxXLIFFBytes+1))
	if err != nil {
		return err
	}
	plan, err := c.planImport(r, s, l, file, hdr.Filename)
	if err != nil {
		return err
	}
	c.render(w, r, s, http.StatusOK, "translate_import", plan)
	return nil
}

// confirmImport applies a previewed import: the same file, planned again
// against the messages as they stand now, applied in one transaction if
// the plan is the one previewed.
func (c *Console) confirmImport(w http.ResponseWriter, r *http.Request, s *session) error {
	l, err := c.translateLang(r, s)
	if err != nil {
		return err
	}
	ctx := r.Context()
	file, err := base64.StdEncoding.DecodeString(r.PostFormValue("data"))
	if err != nil || len(file) == 0 {
		return errorf(EINVALID, "The import to confirm is missing; upload the file again.")
	}
	plan, err := c.planImport(r, s, l, file, r.PostFormValue("name"))
	if err != nil {
		return err
	}
	if plan.Fingerprint != r.PostFormValue("plan") {
		plan.Moved = true
		c.render(w, r, s, http.StatusConflict, "translate_import", plan)
		return nil
	}
	err = c.store.InTx(ctx, func(tx *store.Tx) error {
		for i := range plan.edits {
			if err := tx.InsertTranslationEdit(ctx, &plan.edits[i]); err != nil {
				return err
			}
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: "translation.import",
			Detail: fmt.Sprintf("%s (%s): %d changed (%d reviewed), %d unchanged, %d stale, %d skipped", l, plan.Format, len(plan.edits), plan.Reviewed, plan.Unchanged, len(plan.Stale), len(plan.Skipped)), IP: c.clientIP(r)})
	})
	if err != nil {
		return err
	}
	if len(plan.edits) > 0 {
		c.translationsChanged(ctx)
	}
	plan.Applied, plan.Data = true, ""
	c.render(w, r, s, http.StatusOK, "translate_import", plan)
	return nil
}
