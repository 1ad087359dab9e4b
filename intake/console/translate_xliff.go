package console

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"

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

// maxUploadBytes bounds an import request: the file (or, to confirm a
// preview, the file in base64) and the form.
const maxUploadBytes = locales.MaxXLIFFBytes*4/3 + 64<<10

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
			c.fail(w, r, nil, errorf(EINVALID, "Choose a CSV or XLIFF file to upload."))
			return
		}
		next.ServeHTTP(w, r)
	})
}
