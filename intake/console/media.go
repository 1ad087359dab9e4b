package console

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/rightsline/rightsline/store"
)

// mediaItem is one attachment as the report page lists it.
type mediaItem struct {
	store.Media
	N int // 1, 2 … in the order sent
}

// IsImage is set for the photos the page shows as thumbnails.
func (m mediaItem) IsImage() bool { return inlineTypes[m.ContentType] != "" }

// Ext is the file name extension of the sniffed type.
func (m mediaItem) Ext() string {
	if e := inlineTypes[m.ContentType]; e != "" {
		return e
	}
	if m.ContentType == "application/pdf" {
		return "pdf"
	}
	return "bin"
}

// inlineTypes are the sniffed types shown in the page (as an <img>), with
// their file extension; anything else is only downloaded.
var inlineTypes = map[string]string{"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}

// refusalLabel says why a file was not kept.
func refusalLabel(reason string) string {
	switch reason {
	case store.RefusedType:
		return "not a photo or a PDF (checked from its content), so not kept"
	case store.RefusedSize:
		return "over the size limit, so not kept"
	case store.RefusedBroken:
		return "damaged or not what it claimed to be, so not kept"
	case store.RefusedFetch:
		return "could not be fetched from the provider"
	}
	return "not kept"
}

// reportMedia lists the report's attachments for its page.
func (c *Console) reportMedia(r *http.Request, rep store.Report) ([]mediaItem, error) {
	ms, err := c.store.ReportMedia(r.Context(), rep.ID)
	if err != nil {
		return nil, err
	}
	out := make([]mediaItem, len(ms))
	for i, m := range ms {
		out[i] = mediaItem{Media: m, N: i + 1}
	}
	return out, nil
}

// media serves one attachment of a report: only to staff who may see the
// report (another commission's staff get 404, as for the report), every
// read audited before a byte is sent, with the type sniffed from the bytes
// when it was stored (never the provider's claim), nosniff, a sandboxing
// Content-Security-Policy, photos inline and anything else (a PDF) as a
// download. Nothing stored is ever HTML or SVG: the worker keeps only
// JPEG, PNG, WebP and PDF.
func (c *Console) media(w http.ResponseWriter, r *http.Request, s *session) error {
	mid, err := strconv.ParseInt(r.PathValue("mid"), 10, 64)
	if err != nil || mid <= 0 {
		return errNotFound
	}
	rep, err := c.readReport(r, s, "report.media", "file "+strconv.FormatInt(mid, 10))
	if err != nil {
		return err
	}
	m, data, err := c.store.ReportMediaData(r.Context(), rep.ID, mid)
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	item := mediaItem{Media: m}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	name := fmt.Sprintf("%s-file-%d.%s", safeFileName(rep.Reference), m.ID, item.Ext())
	switch {
	case item.IsImage():
		h.Set("Content-Type", m.ContentType)
		h.Set("Content-Disposition", `inline; filename="`+name+`"`)
	case m.ContentType == "application/pdf":
		h.Set("Content-Type", m.ContentType)
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	default:
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	}
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
	return nil
}
