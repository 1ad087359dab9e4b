package locales

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing/fstest"
	"time"

	"github.com/BurntSushi/toml"
)

// ImportXLIFFToFiles folds an XLIFF 2.0 file (the console's export, after
// review) into the catalog files in dir, as ImportToFiles does, with every
// new review signed by by at at.
func ImportXLIFFToFiles(dir string, r io.Reader, by string, at time.Time) (written, skipped []string, err error) {
	if strings.TrimSpace(by) == "" {
		return nil, nil, fmt.Errorf("locales: say who reviewed the file")
	}
	l, units, err := ReadXLIFF(r)
	if err != nil {
		return nil, nil, err
	}
	rows := make([]ReviewRow, 0, len(units))
	for _, u := range units {
		rows = append(rows, ReviewRow{ID: u.ID, English: u.Source, Translation: u.Target, Review: u.Review, SourceHash: u.SourceHash})
	}
	res, err := ImportToFiles(dir, l, rows, FileImportOptions{By: by, At: at})
	return res.Written, append(res.Stale, res.Skipped...), err
}

// FileImportOptions says who signs the reviews an import records.
type FileImportOptions struct {
	// By signs every review the file adds; when empty, each row's own
	// reviewer and reviewed-at columns do (a console export carries who
	// reviewed in the console), and a reviewed row naming no one refuses
	// the file.
	By string
	// At is when By reviewed (the import's time).
	At time.Time
	// DryRun reports what would change and writes nothing.
	DryRun bool
}

// FileImport says what an import into the files did (or, dry, would do).
type FileImport struct {
	// Changed lists the messages whose text (or hash) changes, Reviewed
	// those recorded as reviewed.
	Changed, Reviewed []string
	// Stale lists the rows whose English changed since the export (not
	// applied), Skipped the rest not applied, each with why.
	Stale, Skipped []string
	Unchanged      int
	// Written lists the files written (none when dry).
	Written []string
}

// ImportToFiles folds the rows of an offline review file of language l
// (CSV or XLIFF, after review) into the catalog files in dir: each row
// whose English is the current English and whose translation differs from
// the file gets the new text and the current hash; each row marked
// reviewed is recorded in the sidecar (see FileImportOptions for who
// signs it). A row whose English changed since the export is stale: listed,
// never applied. Rows with no translation or naming no message are skipped
// and listed. A translation that fails lint with an error (template words)
// refuses the whole file; nothing is written unless the result loads.
func ImportToFiles(dir string, l Lang, rows []ReviewRow, opt FileImportOptions) (res FileImport, err error) {
	by := strings.TrimSpace(opt.By)
	fsys := os.DirFS(dir)
	cat, _, err := LoadFS(fsys, true)
	if err != nil {
		return res, err
	}
	overlay := fstest.MapFS{}
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return res, err
	}
	for _, name := range names {
		buf, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return res, err
		}
		overlay[name] = &fstest.MapFile{Data: buf}
	}
	rs := Reviews{}
	for id, rec := range cat.reviews[l] {
		rs[id] = rec
	}
	changed := map[string]bool{}
	for _, u := range rows {
		en, ok := cat.messages[Source][u.ID]
		switch {
		case !ok:
			res.Skipped = append(res.Skipped, u.ID+": no such message")
			continue
		case u.English != en.Text || (u.SourceHash != "" && u.SourceHash != en.Hash()):
			res.Stale = append(res.Stale, u.ID+": the English changed since the export")
			continue
		case u.Translation == "":
			res.Skipped = append(res.Skipped, u.ID+": no translation")
			continue
		}
		text := normalizeNewlines(u.Translation)
		ps, err := cat.CheckEdit(l, u.ID, text)
		if err != nil {
			return res, err
		}
		if msg := firstError(ps, CheckTemplate, CheckMissing); msg != "" {
			return res, fmt.Errorf("locales: %s: %s; nothing written", u.ID, msg)
		}
		m, ok := cat.messages[l][u.ID]
		if !ok {
			res.Skipped = append(res.Skipped, u.ID+": no "+string(l)+" message in the files to replace; add it first")
			continue
		}
		did := false
		if text != m.Text || (m.SourceHash != en.Hash() && (u.Review == ReviewReviewed || text != m.Text)) {
			buf, err := SetMessageText(overlay[m.File].Data, u.ID, text)
			if err == nil {
				buf, err = SetMessageFields(buf, u.ID, en.Hash())
			}
			if err != nil {
				return res, fmt.Errorf("locales: %s: %w", m.File, err)
			}
			overlay[m.File].Data = buf
			changed[m.File] = true
			res.Changed = append(res.Changed, u.ID)
			did = true
		}
		if u.Review == ReviewReviewed {
			who, when := by, opt.At
			if who == "" {
				who = u.Reviewer
				when, _ = parseReviewedAt(u.ReviewedAt)
			}
			rec := ReviewRecord{Status: ReviewReviewed, By: who, Text: TextHash(text)}
			if !when.IsZero() {
				rec.At = when.UTC().Format(time.RFC3339)
			}
			if old, ok := rs[u.ID]; !ok || old.Text != rec.Text || old.Status != rec.Status {
				if who == "" {
					where := u.ID
					if u.Line > 0 {
						where = fmt.Sprintf("line %d (%s)", u.Line, u.ID)
					}
					return res, fmt.Errorf("locales: %s is marked reviewed but names no reviewer: give --by NAME; nothing written", where)
				}
				rs[u.ID] = rec
				res.Reviewed = append(res.Reviewed, u.ID)
				did = true
			}
		}
		if !did {
			res.Unchanged++
		}
	}
	overlay[ReviewFile(l)] = &fstest.MapFile{Data: rs.Encode(l)}
	if _, _, err := LoadFS(overlay, true); err != nil {
		return res, fmt.Errorf("locales: the import would break the catalog (%w); nothing written", err)
	}
	if opt.DryRun {
		return res, nil
	}
	for _, name := range sortedKeys(changed) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, overlay[name].Data, 0o644); err != nil {
			return res, err
		}
		res.Written = append(res.Written, path)
	}
	path, did, err := writeReviews(dir, l, rs)
	if err != nil {
		return res, err
	}
	if did {
		res.Written = append(res.Written, path)
	}
	return res, nil
}

// parseReviewedAt reads a reviewed-at cell as exported (RFC 3339) or as a
// spreadsheet may have rewritten it.
func parseReviewedAt(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02", "1/2/2006 15:04", "1/2/2006"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// SetMessageText replaces the text (other) of message id in a catalog
// file, keeping every other line; a short-form message (id = "text")
// becomes a table first.
func SetMessageText(buf []byte, id, text string) ([]byte, error) {
	lines := strings.SplitAfter(string(buf), "\n")
	start := -1
	for i, line := range lines {
		if h, ok := tableHeader(strings.TrimSpace(line)); ok && h == id {
			start = i
			break
		}
	}
	if start < 0 {
		// The short form has no hash either: promote it with an empty one
		// that the caller sets next.
		out, err := promoteShortForm(lines, id, "")
		if err != nil {
			return nil, err
		}
		return SetMessageText(out, id, text)
	}
	value, err := tomlString(text)
	if err != nil {
		return nil, err
	}
	for i := start + 1; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if _, ok := tableHeader(t); ok {
			break
		}
		key, v, ok := cutKey(t)
		if !ok || key != "other" {
			continue
		}
		end, err := valueEnd(lines, i, v)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", id, err)
		}
		out := append(append([]string{}, lines[:i]...), "other = "+value+"\n")
		out = append(out, lines[end+1:]...)
		return []byte(strings.Join(out, "")), nil
	}
	return nil, fmt.Errorf("%q has no other = line", id)
}

// tomlString encodes s as a TOML basic string.
func tomlString(s string) (string, error) {
	var b strings.Builder
	if err := toml.NewEncoder(&b).Encode(map[string]string{"v": s}); err != nil {
		return "", err
	}
	_, v, ok := strings.Cut(strings.TrimSpace(b.String()), "=")
	if !ok {
		return "", fmt.Errorf("cannot encode %s", strconv.Quote(s))
	}
	return strings.TrimSpace(v), nil
}
