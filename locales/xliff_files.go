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
// review) into the catalog files in dir: each unit whose English is the
// current English and whose target differs from the file gets the new
// text and the current hash; each unit marked reviewed (or final) is
// recorded in the sidecar as reviewed by by at at. Units whose English
// changed, with no target, or naming no message are skipped and listed.
// A target that fails lint with an error (template words) refuses the
// whole file; nothing is written unless the result loads.
func ImportXLIFFToFiles(dir string, r io.Reader, by string, at time.Time) (written, skipped []string, err error) {
	if strings.TrimSpace(by) == "" {
		return nil, nil, fmt.Errorf("locales: say who reviewed the file")
	}
	l, units, err := ReadXLIFF(r)
	if err != nil {
		return nil, nil, err
	}
	fsys := os.DirFS(dir)
	cat, _, err := LoadFS(fsys, true)
	if err != nil {
		return nil, nil, err
	}
	overlay := fstest.MapFS{}
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, nil, err
	}
	for _, name := range names {
		buf, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, nil, err
		}
		overlay[name] = &fstest.MapFile{Data: buf}
	}
	rs := Reviews{}
	for id, rec := range cat.reviews[l] {
		rs[id] = rec
	}
	changed := map[string]bool{}
	for _, u := range units {
		en, ok := cat.messages[Source][u.ID]
		switch {
		case !ok:
			skipped = append(skipped, u.ID+": no such message")
			continue
		case u.Source != en.Text:
			skipped = append(skipped, u.ID+": the English changed since the export")
			continue
		case u.Target == "":
			skipped = append(skipped, u.ID+": no translation")
			continue
		}
		text := strings.ReplaceAll(u.Target, "\r\n", "\n")
		ps, err := cat.CheckEdit(l, u.ID, text)
		if err != nil {
			return nil, nil, err
		}
		if msg := firstError(ps, CheckTemplate, CheckMissing); msg != "" {
			return nil, nil, fmt.Errorf("locales: %s: %s; nothing written", u.ID, msg)
		}
		m, ok := cat.messages[l][u.ID]
		if !ok {
			skipped = append(skipped, u.ID+": no "+string(l)+" message in the files to replace; add it first")
			continue
		}
		if text != m.Text || m.SourceHash != en.Hash() {
			buf, err := SetMessageText(overlay[m.File].Data, u.ID, text)
			if err == nil {
				buf, err = SetMessageFields(buf, u.ID, en.Hash())
			}
			if err != nil {
				return nil, nil, fmt.Errorf("locales: %s: %w", m.File, err)
			}
			overlay[m.File].Data = buf
			changed[m.File] = true
		}
		if u.Review == ReviewReviewed {
			rec := ReviewRecord{Status: ReviewReviewed, By: by, Text: TextHash(text)}
			if !at.IsZero() {
				rec.At = at.UTC().Format(time.RFC3339)
			}
			if old, ok := rs[u.ID]; !ok || old.Text != rec.Text || old.Status != rec.Status {
				rs[u.ID] = rec
			}
		}
	}
	overlay[ReviewFile(l)] = &fstest.MapFile{Data: rs.Encode(l)}
	if _, _, err := LoadFS(overlay, true); err != nil {
		return nil, nil, fmt.Errorf("locales: the import would break the catalog (%w); nothing written", err)
	}
	for _, name := range sortedKeys(changed) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, overlay[name].Data, 0o644); err != nil {
			return written, skipped, err
		}
		written = append(written, path)
	}
	path, did, err := writeReviews(dir, l, rs)
	if err != nil {
		return written, skipped, err
	}
	if did {
		written = append(written, path)
	}
	return written, skipped, nil
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
