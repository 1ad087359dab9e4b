package locales

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing/fstest"

	"github.com/BurntSushi/toml"
)

// Migrate brings the catalog files in dir (the locales folder) to the
// format `goi18n merge` reads unchanged, and is a no-op on files already
// there:
//
//   - a review key in a catalog file moves to the sidecar (review/<lang>.toml):
//     "reviewed" becomes a record of the current text, unless the sidecar
//     already holds one for that text; "draft" is the default and is
//     dropped;
//   - a hash of the English text alone (the format before, which differs
//     from go-i18n's for messages with a description) becomes go-i18n's
//     hash of description and text when it matches the current English; a
//     hash of older English stays, so the translation stays stale;
//   - the "# hash = ..." comment at the top of a file is updated.
//
// Files are edited line by line (comments, order and quoting stay), the
// result is loaded and compared with the input before anything is
// written, and the same input always gives the same bytes: a merge
// conflict in a catalog file can be resolved by taking either side whole
// and running Migrate again. It returns the files written.
func Migrate(dir string) ([]string, error) {
	fsys := os.DirFS(dir)
	before, _, err := LoadFS(fsys, true)
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	overlay := fstest.MapFS{}
	inline := map[Lang]map[string]string{} // lang → id → review value
	var changed []string
	for _, name := range names {
		l, ok := before.fileLang(name)
		if !ok {
			continue // languages.toml
		}
		buf, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out, reviews, err := migrateFile(buf, l, before)
		if err != nil {
			return nil, fmt.Errorf("locales: %s: %w", name, err)
		}
		for id, v := range reviews {
			if inline[l] == nil {
				inline[l] = map[string]string{}
			}
			inline[l][id] = v
		}
		overlay[name] = &fstest.MapFile{Data: out}
		if !bytes.Equal(out, buf) {
			changed = append(changed, name)
		}
	}
	sidecars := map[Lang]Reviews{}
	for _, l := range before.langCodes[1:] {
		rs := Reviews{}
		for id, r := range before.reviews[l] {
			rs[id] = r
		}
		for id, v := range inline[l] {
			switch v {
			case ReviewDraft:
			case ReviewReviewed:
				m := before.messages[l][id]
				if r, ok := rs[id]; ok && r.Text == TextHash(m.Text) {
					continue // the sidecar knows who and when
				}
				rs[id] = ReviewRecord{Status: ReviewReviewed, Text: TextHash(m.Text)}
			default:
				return nil, fmt.Errorf("locales: %s %s: review = %q; want %q or %q", l, id, v, ReviewDraft, ReviewReviewed)
			}
		}
		sidecars[l] = rs
		overlay[ReviewFile(l)] = &fstest.MapFile{Data: rs.Encode(l)}
	}
	after, _, err := LoadFS(overlay, true)
	if err != nil {
		return nil, fmt.Errorf("locales: the migrated catalog does not load (%w); nothing written", err)
	}
	if err := sameCatalog(before, after); err != nil {
		return nil, fmt.Errorf("locales: the migration would change %w; nothing written", err)
	}
	var written []string
	for _, name := range changed {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, overlay[name].Data, 0o644); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	for _, l := range before.langCodes[1:] {
		path, did, err := writeReviews(dir, l, sidecars[l])
		if err != nil {
			return written, err
		}
		if did {
			written = append(written, path)
		}
	}
	return written, nil
}

// sameCatalog checks that a migration kept every message, text and
// description, and every review status.
func sameCatalog(a, b *Catalog) error {
	for _, l := range a.langCodes {
		if len(a.messages[l]) != len(b.messages[l]) {
			return fmt.Errorf("the number of %s messages (%d → %d)", l, len(a.messages[l]), len(b.messages[l]))
		}
		for id, m := range a.messages[l] {
			n, ok := b.messages[l][id]
			switch {
			case !ok:
				return fmt.Errorf("%s %s: lost", l, id)
			case n.Text != m.Text || n.Description != m.Description:
				return fmt.Errorf("%s %s: its text", l, id)
			case l != Source && n.Review != m.Review && !(m.Review == "" && n.Review == ReviewDraft):
				return fmt.Errorf("%s %s: review %q → %q", l, id, m.Review, n.Review)
			case n.InlineReview:
				return fmt.Errorf("%s %s: a review key is left in the catalog", l, id)
			}
		}
	}
	return nil
}

// hashComment is the line that explains hash at the top of a translation.
const hashComment = "# hash = go-i18n's hash of the English message translated (description and text); review status: locales/review/%s.toml."

// migrateFile rewrites one catalog file: review lines out (returned by
// ID), old-form hashes of the current English converted.
func migrateFile(buf []byte, l Lang, cat *Catalog) ([]byte, map[string]string, error) {
	lines := strings.SplitAfter(string(buf), "\n")
	reviews := map[string]string{}
	var out []string
	id, inTable, multi := "", false, ""
	for _, line := range lines {
		if multi != "" {
			if strings.Contains(line, multi) {
				multi = ""
			}
			out = append(out, line)
			continue
		}
		t := strings.TrimSpace(line)
		if !inTable && l != Source && strings.HasPrefix(t, "# hash = ") {
			out = append(out, fmt.Sprintf(hashComment, l)+lineEnd(line))
			continue
		}
		if h, ok := tableHeader(t); ok {
			id, inTable = h, true
			out = append(out, line)
			continue
		}
		key, value, ok := cutKey(t)
		if !ok {
			out = append(out, line)
			continue
		}
		for _, q := range []string{`"""`, "'''"} {
			if strings.HasPrefix(value, q) && !strings.Contains(value[len(q):], q) {
				multi = q
			}
		}
		if !inTable {
			out = append(out, line)
			continue
		}
		switch key {
		case "review":
			v, err := unquoteValue(value)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: review: %w", id, err)
			}
			reviews[id] = v
			continue // the line goes
		case "hash":
			old, err := unquoteValue(value)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: hash: %w", id, err)
			}
			if en, ok := cat.messages[Source][id]; ok && l != Source && en.Description != "" && old == SourceHash("", en.Text) {
				line = fmt.Sprintf("hash = %q", en.Hash()) + lineEnd(line)
			}
		}
		out = append(out, line)
	}
	return []byte(strings.Join(out, "")), reviews, nil
}

func lineEnd(line string) string {
	if strings.HasSuffix(line, "\r\n") {
		return "\r\n"
	}
	if strings.HasSuffix(line, "\n") {
		return "\n"
	}
	return ""
}

// tableHeader reads a TOML table header line: ["id"], ['id'] or [id].
func tableHeader(t string) (string, bool) {
	if !strings.HasPrefix(t, "[") || strings.HasPrefix(t, "[[") {
		return "", false
	}
	if i := strings.Index(t, "#"); i > 0 && strings.LastIndex(t[:i], "]") > 0 {
		t = strings.TrimSpace(t[:i])
	}
	if !strings.HasSuffix(t, "]") {
		return "", false
	}
	inner := strings.TrimSpace(t[1 : len(t)-1])
	switch {
	case strings.HasPrefix(inner, `"`):
		s, err := strconv.Unquote(inner)
		return s, err == nil
	case strings.HasPrefix(inner, "'") && strings.HasSuffix(inner, "'") && len(inner) >= 2:
		return inner[1 : len(inner)-1], true
	}
	return inner, inner != ""
}

// unquoteValue reads a one-line TOML string value, a comment after it
// allowed.
func unquoteValue(v string) (string, error) {
	var out struct{ V string }
	if _, err := toml.Decode("V = "+v, &out); err != nil {
		return "", err
	}
	return out.V, nil
}
