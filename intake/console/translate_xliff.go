package console

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Offline review: a translator downloads a language as XLIFF 2.0, reviews
// it in any XLIFF editor (or Weblate), and uploads it again.

// exportXLIFF sends every message of the language, as it stands, as an
// XLIFF 2.0 file. The export is audited.
func (c *Console) exportXLIFF(w http.ResponseWriter, r *http.Request, s *session) error {
	l, err := c.translateLang(r, s)
	if err != nil {
		return err
	}
	ctx := r.Context()
	msgs, err := c.translationMessages(ctx, l)
	if err != nil {
		return err
	}
	units := make([]locales.XLIFFUnit, 0, len(msgs))
	for _, m := range msgs {
		en, _ := c.cfg.Catalog.Lookup(locales.Source, m.ID)
		units = append(units, locales.XLIFFUnit{ID: m.ID, Source: m.English, Target: m.Text, Description: m.Description,
			SourceHash: en.Hash(), Review: m.Review, ReviewedBy: reviewedBy(m)})
	}
	var buf bytes.Buffer
	if err := locales.WriteXLIFF(&buf, l, units); err != nil {
		return err
	}
	if err := c.store.InTx(ctx, func(tx *store.Tx) error {
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: "translation.export", Detail: fmt.Sprintf("%s: %d messages", l, len(units)), IP: c.clientIP(r)})
	}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xliff+xml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="rightsline-`+string(l)+`.xlf"`)
	_, _ = buf.WriteTo(w)
	return nil
}

func reviewedBy(m trMessage) string {
	if !m.Reviewed() || m.By == "" {
		return ""
	}
	if m.At.IsZero() {
		return m.By
	}
	return m.By + ", " + m.At.UTC().Format("2006-01-02")
}

// importResult is the data of the translate_import template.
type importResult struct {
	Lang, Label       string
	Changed, Reviewed int
	Unchanged         int
	// Skipped lists the units not applied, each with why.
	Skipped []string
}

// maxUploadBytes bounds an import request: the file and the form.
const maxUploadBytes = locales.MaxXLIFFBytes + 64<<10

// uploadForm lets an upload through authed, whose form limit is for typed
// forms: it checks that there is a session (no one else may send
// megabytes), then reads the multipart form within maxUploadBytes, so
// authed finds the CSRF token already parsed and checks it as for any
// other form.
func (c *Console) uploadForm(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := c.currentSession(r); err != nil {
			c.fail(w, r, nil, err)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				c.fail(w, r, nil, errorf(EINVALID, "The file is larger than %d MB.", locales.MaxXLIFFBytes>>20))
				return
			}
			c.fail(w, r, nil, errorf(EINVALID, "Choose an XLIFF file to upload."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// importXLIFF applies an uploaded XLIFF file: every unit whose target or
// review state differs from the message as it stands becomes an edit
// signed by the uploader (a "reviewed" or "final" state: reviewed by
// them), all in one transaction with one audit row. A file that is not
// XLIFF 2.0, is for another language, or holds a target that could not be
// sent (a broken template, other variables than the English) is refused
// whole with the reason; units whose English changed since the export, or
// that name no message, are skipped and listed.
func (c *Console) importXLIFF(w http.ResponseWriter, r *http.Request, s *session) error {
	l, err := c.translateLang(r, s)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f, _, err := r.FormFile("file")
	if err != nil {
		return errorf(EINVALID, "Choose an XLIFF file to upload.")
	}
	defer f.Close()
	fileLang, units, err := locales.ReadXLIFF(f)
	if errors.Is(err, locales.ErrBadXLIFF) {
		return errorf(EINVALID, "The file was not imported: %s.", strings.TrimPrefix(err.Error(), locales.ErrBadXLIFF.Error()+": "))
	}
	if err != nil {
		return err
	}
	if fileLang != l {
		return errorf(EINVALID, "The file was not imported: it is for %s, and this page is %s. Import it on the %s page.", c.langLabel(string(fileLang)), c.langLabel(string(l)), c.langLabel(string(fileLang)))
	}
	msgs, err := c.translationMessages(ctx, l)
	if err != nil {
		return err
	}
	byID := make(map[string]trMessage, len(msgs))
	for _, m := range msgs {
		byID[m.ID] = m
	}
	cat := c.cfg.Catalog
	res := importResult{Lang: string(l), Label: c.langLabel(string(l))}
	var edits []store.TranslationEdit
	var refused []string
	for _, u := range units {
		m, ok := byID[u.ID]
		switch {
		case !ok:
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: no such message (removed since the export?)", u.ID))
			continue
		case u.Source != m.English:
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: the English changed since the export; export again and review it", u.ID))
			continue
		case u.Target == "":
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: no translation in the file", u.ID))
			continue
		}
		text := strings.ReplaceAll(u.Target, "\r\n", "\n")
		if text == m.Text && u.Review == m.Review && !m.Stale {
			res.Unchanged++
			continue
		}
		ps, err := cat.CheckEdit(l, u.ID, text)
		if err != nil {
			return err
		}
		if len(text) > maxTranslationBytes {
			refused = append(refused, fmt.Sprintf("%s: longer than %d bytes", u.ID, maxTranslationBytes))
		}
		for _, p := range ps {
			if !p.Warning {
				refused = append(refused, u.ID+": "+p.Msg)
			}
		}
		en, _ := cat.Lookup(locales.Source, u.ID)
		edits = append(edits, store.TranslationEdit{Lang: string(l), MessageID: u.ID, Text: text, SourceHash: en.Hash(), Status: u.Review, StaffID: s.Staff.ID, StaffName: signer(s.Staff)})
		if u.Review == locales.ReviewReviewed {
			res.Reviewed++
		}
	}
	if len(refused) > 0 {
		if len(refused) > 10 {
			refused = append(refused[:10], fmt.Sprintf("and %d more", len(refused)-10))
		}
		return errorf(EINVALID, "The file was not imported; nothing changed. Fix these and upload it again: %s.", strings.Join(refused, "; "))
	}
	res.Changed = len(edits)
	err = c.store.InTx(ctx, func(tx *store.Tx) error {
		for i := range edits {
			if err := tx.InsertTranslationEdit(ctx, &edits[i]); err != nil {
				return err
			}
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: s.Staff.ID, Action: "translation.import",
			Detail: fmt.Sprintf("%s: %d changed (%d reviewed), %d unchanged, %d skipped", l, res.Changed, res.Reviewed, res.Unchanged, len(res.Skipped)), IP: c.clientIP(r)})
	})
	if err != nil {
		return err
	}
	if res.Changed > 0 {
		c.translationsChanged(ctx)
	}
	c.render(w, r, s, http.StatusOK, "translate_import", res)
	return nil
}
