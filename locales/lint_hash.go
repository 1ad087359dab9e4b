package locales

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// RefreshHashes is the way out of lint's "stale" finding: once a person
// has checked (or fixed) the translations ids of language l against the
// current English, it records the English text's hash in each, and sets
// review when it is not empty (ReviewReviewed after a community review,
// ReviewDraft after our own fix). dir is the source folder of the catalog
// files (locales/); the files are edited in place, line by line, so
// comments and order stay as they were. It returns the files changed.
func RefreshHashes(dir string, l Lang, ids []string, review string) ([]string, error) {
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
		edits[m.File] = append(edits[m.File], &Message{ID: id, SourceHash: SourceHash(en.Text), Review: review})
	}
	var changed []string
	for file, msgs := range edits {
		path := filepath.Join(dir, file)
		buf, err := os.ReadFile(path)
		if err != nil {
			return changed, err
		}
		for _, m := range msgs {
			if buf, err = SetMessageFields(buf, m.ID, m.SourceHash, m.Review); err != nil {
				return changed, fmt.Errorf("locales: %s: %w", path, err)
			}
		}
		if _, err := readMeta(buf, l); err != nil {
			return changed, fmt.Errorf("locales: %s: the edit broke the file (%w); nothing written", path, err)
		}
		if err := os.WriteFile(path, buf, 0o644); err != nil {
			return changed, err
		}
		changed = append(changed, path)
	}
	return changed, nil
}

// SetMessageFields sets hash (and review, when not empty) of message id in
// a catalog file's text, replacing the lines that exist and adding those
// that do not just under the message's header.
func SetMessageFields(buf []byte, id, hash, review string) ([]byte, error) {
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
		return nil, fmt.Errorf("no [%q] table", id)
	}
	end := len(lines)
	for i := start + 1; i < len(lines); i++ {
		if strings.HasPrefix(strings.TrimSpace(lines[i]), "[") {
			end = i
			break
		}
	}
	set := []struct{ key, value string }{{"hash", hash}, {"review", review}}
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
