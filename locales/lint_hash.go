package locales

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing/fstest"
	"time"
)

// RefreshHashes is the way out of lint's "stale" finding: once a person
// has checked (or fixed) the translations ids of language l against the
// current English, it records the English message's hash in each, and,
// when review is not empty, the review status in the sidecar
// (ReviewReviewed by a community reviewer named by, at time at;
// ReviewDraft after our own fix, which drops the record). dir is the
// source folder of the catalog files (locales/); the files are edited in
// place, line by line, so comments and order stay as they were. It
// returns the files changed.
func RefreshHashes(dir string, l Lang, ids []string, review, by string, at time.Time) ([]string, error) {
	if l == Source {
		return nil, errors.New("locales: English is the source; it has no hash")
	}
	if review != "" && review != ReviewDraft && review != ReviewReviewed {
		return nil, fmt.Errorf("locales: review must be %q or %q, not %q", ReviewDraft, ReviewReviewed, review)
	}
	cat, _, err := LoadFS(os.DirFS(dir), true)
	if err != nil {
		return nil, err
	}
	edits := map[string][]*Message{} // file → messages to refresh
	for _, id := range ids {
		en, ok := cat.messages[Source][id]
		if !ok {
			return nil, fmt.Errorf("locales: %q is not an English message", id)
		}
		m, ok := cat.messages[l][id]
		if !ok {
			return nil, fmt.Errorf("locales: %q has no %s translation to confirm; write one in %s first", id, l, translationFile(en.File, l))
		}
		edits[m.File] = append(edits[m.File], &Message{ID: id, SourceHash: en.Hash(), Text: m.Text})
	}
	rs := Reviews{}
	for id, r := range cat.reviews[l] {
		rs[id] = r
	}
	if review != "" {
		for _, ms := range edits {
			for _, m := range ms {
				switch review {
				case ReviewReviewed:
					r := ReviewRecord{Status: ReviewReviewed, By: by, Text: TextHash(m.Text)}
					if !at.IsZero() {
						r.At = at.UTC().Format(time.RFC3339)
					}
					rs[m.ID] = r
				case ReviewDraft:
					delete(rs, m.ID)
				}
			}
		}
	}
	// Edit every file in memory and load the whole catalog from the result
	// before writing anything, so a bad edit leaves the files as they were.
	overlay := fstest.MapFS{}
	names, err := fs.Glob(os.DirFS(dir), "*.toml")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		buf, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		for _, m := range edits[name] {
			if buf, err = SetMessageFields(buf, m.ID, m.SourceHash); err != nil {
				return nil, fmt.Errorf("locales: %s: %w", name, err)
			}
		}
		overlay[name] = &fstest.MapFile{Data: buf}
	}
	overlay[ReviewFile(l)] = &fstest.MapFile{Data: rs.Encode(l)}
	if _, _, err := LoadFS(overlay, true); err != nil {
		return nil, fmt.Errorf("locales: the edit would break the catalog (%w); nothing written", err)
	}
	var changed []string
	for _, name := range sortedKeys(edits) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, overlay[name].Data, 0o644); err != nil {
			return changed, err
		}
		changed = append(changed, path)
	}
	if review != "" {
		path, did, err := writeReviews(dir, l, rs)
		if err != nil {
			return changed, err
		}
		if did {
			changed = append(changed, path)
		}
	}
	return changed, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// SetMessageFields sets the hash of message id in a catalog file's text,
// replacing the line if there is one and adding it just under the
// message's header if not. A message in the short form (id = "text")
// becomes a table at the end of the file, its text as it was.
func SetMessageFields(buf []byte, id, hash string) ([]byte, error) {
	lines := strings.SplitAfter(string(buf), "\n")
	start := -1
	for i, line := range lines {
		h := strings.TrimSpace(line)
		if h == "["+strconv.Quote(id)+"]" || h == "['"+id+"']" || h == "["+id+"]" {
			start = i
			break
		}
	}
	if start < 0 {
		return promoteShortForm(lines, id, hash)
	}
	end := len(lines)
	for i := start + 1; i < len(lines); i++ {
		if strings.HasPrefix(strings.TrimSpace(lines[i]), "[") {
			end = i
			break
		}
	}
	set := []struct{ key, value string }{{"hash", hash}}
	var add []string
	for _, kv := range set {
		if kv.value == "" {
			continue
		}
		line := fmt.Sprintf("%s = %q\n", kv.key, kv.value)
		found := false
		for i := start + 1; i < end; i++ {
			if isKeyLine(lines[i], kv.key) {
				lines[i] = line
				found = true
				break
			}
		}
		if !found {
			add = append(add, line)
		}
	}
	out := append([]string{}, lines[:start+1]...)
	if len(add) > 0 && !strings.HasSuffix(out[len(out)-1], "\n") {
		out[len(out)-1] += "\n"
	}
	out = append(out, add...)
	out = append(out, lines[start+1:]...)
	return []byte(strings.Join(out, "")), nil
}

// isKeyLine reports whether a TOML line assigns key.
func isKeyLine(line, key string) bool {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), key)
	return ok && strings.HasPrefix(strings.TrimSpace(rest), "=")
}

// promoteShortForm turns the top-level line id = "text" (a value may span
// lines in a multi-line string) into a table with hash, moved to the end
// of the file: in TOML, top-level keys cannot follow a table.
func promoteShortForm(lines []string, id, hash string) ([]byte, error) {
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") {
			break
		}
		key, value, ok := cutKey(t)
		if !ok || key != id {
			continue
		}
		j, err := valueEnd(lines, i, value)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", id, err)
		}
		raw := value + "\n"
		if j > i {
			raw = value + "\n" + strings.Join(lines[i+1:j+1], "")
		}
		if !strings.HasSuffix(raw, "\n") {
			raw += "\n"
		}
		table := fmt.Sprintf("\n[%s]\nhash = %q\n", strconv.Quote(id), hash)
		table += "other = " + raw
		rest := append(append([]string{}, lines[:i]...), lines[j+1:]...)
		out := strings.Join(rest, "")
		if out != "" && !strings.HasSuffix(out, "\n") {
			out += "\n"
		}
		return []byte(out + table), nil
	}
	return nil, fmt.Errorf("no message %q (neither a [%q] table nor a top-level %q = line)", id, id, id)
}

// cutKey splits a TOML line "key = value" with a quoted or bare key.
func cutKey(t string) (key, value string, ok bool) {
	var rest string
	switch {
	case strings.HasPrefix(t, `"`):
		end := strings.IndexByte(t[1:], '"')
		if end < 0 {
			return "", "", false
		}
		k, err := strconv.Unquote(t[:end+2])
		if err != nil {
			return "", "", false
		}
		key, rest = k, t[end+2:]
	case strings.HasPrefix(t, "'"):
		end := strings.IndexByte(t[1:], '\'')
		if end < 0 {
			return "", "", false
		}
		key, rest = t[1:end+1], t[end+2:]
	default:
		end := strings.IndexAny(t, " \t=")
		if end <= 0 {
			return "", "", false
		}
		key, rest = t[:end], t[end:]
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, "=") {
		return "", "", false
	}
	return key, strings.TrimSpace(rest[1:]), true
}

// valueEnd returns the last line of the value that starts on line i: i
// itself, or the line that closes a multi-line string.
func valueEnd(lines []string, i int, value string) (int, error) {
	for _, q := range []string{`"""`, "'''"} {
		if strings.HasPrefix(value, q) && !strings.Contains(value[len(q):], q) {
			for j := i + 1; j < len(lines); j++ {
				if strings.Contains(lines[j], q) {
					return j, nil
				}
			}
			return 0, errors.New("unterminated multi-line string")
		}
	}
	return i, nil
}
