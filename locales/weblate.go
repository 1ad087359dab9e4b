package locales

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Weblate reads go-i18n catalogs in two formats, and only one fits
// Rightsline's files. Its "go-i18n TOML file" format (translate-toolkit's
// GoI18nTOMLFile) takes a table for one message only when its sole key is
// `other` (or all its keys are plural forms); a Rightsline table also holds
// `hash` (translations) or `description` (English), so Weblate would show
// "id.hash" and "id.description" as strings to translate. Its "go-i18n v2
// JSON file" format reads one message per ID with its description (shown
// to the translator) and drops any other key. So Weblate works on a JSON
// mirror of the catalog, one folder per component: WeblateExport writes
// it, WeblateImport folds Weblate's commits back into the TOML files (new
// texts with the hash of the English Weblate showed), and the TOML files
// stay the source the service embeds and `goi18n merge` reads.

// weblateComponent names the component of a catalog file: "core" for
// <lang>.toml, else its domain ("content" for content.<lang>.toml).
func weblateComponent(file string) string {
	base := strings.TrimSuffix(path.Base(file), ".toml")
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		return base[:i]
	}
	return "core"
}

// WeblateExport writes the catalog in dir as go-i18n v2 JSON files for
// Weblate, out/<component>/<lang>.json: the English with each message's
// description, each translation with its text (untranslated messages
// left out, as Weblate expects of a monolingual file). It returns the
// files written.
func WeblateExport(dir, out string) ([]string, error) {
	cat, _, err := LoadFS(os.DirFS(dir), true)
	if err != nil {
		return nil, err
	}
	files := map[string]map[string]any{} // component/lang.json → messages
	for _, id := range cat.ids {
		en, _ := cat.Lookup(Source, id)
		comp := weblateComponent(en.File)
		for _, l := range All {
			m, ok := cat.messages[l][id]
			if !ok {
				continue
			}
			name := comp + "/" + string(l) + ".json"
			if files[name] == nil {
				files[name] = map[string]any{}
			}
			if l == Source && en.Description != "" {
				files[name][id] = map[string]string{"description": en.Description, "other": m.Text}
			} else {
				files[name][id] = m.Text
			}
		}
	}
	var written []string
	for _, name := range sortedKeys(files) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(files[name]); err != nil {
			return written, err
		}
		p := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return written, err
		}
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			return written, err
		}
		written = append(written, p)
	}
	return written, nil
}

// readWeblateFile reads one go-i18n v2 JSON file: ID → text (a string, or
// an object whose "other" is the text). Plural forms other than "other"
// are refused: Rightsline's messages have none.
func readWeblateFile(fsys fs.FS, name string) (map[string]string, error) {
	buf, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(buf, &raw); err != nil {
		return nil, fmt.Errorf("locales: %s: %w", name, err)
	}
	out := make(map[string]string, len(raw))
	for id, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			out[id] = s
			continue
		}
		var obj map[string]any
		if err := json.Unmarshal(v, &obj); err != nil {
			return nil, fmt.Errorf("locales: %s: %q is neither a text nor a message", name, id)
		}
		for k := range obj {
			switch k {
			case "other", "description", "hash", "id":
			default:
				return nil, fmt.Errorf("locales: %s: %q has a %q form; Rightsline's messages have only other", name, id, k)
			}
		}
		s, _ = obj["other"].(string)
		out[id] = s
	}
	return out, nil
}

// WeblateImport folds a Weblate JSON mirror (WeblateExport's layout, as
// Weblate committed it) into the catalog files in dir, language by
// language, through ImportToFiles: every translation whose text differs
// from the files becomes the new text, with the hash of the current
// English, if the English in the mirror is the current English; where the
// mirror's English is older (the English changed since Weblate last
// pulled), the translation is stale and not applied. Texts that did not
// change are left alone, so a stale translation stays stale. Weblate's
// approvals do not come back (go-i18n JSON has no field for them): every
// imported text is a draft.
func WeblateImport(dir, mirror string, dryRun bool) (map[Lang]FileImport, error) {
	cat, _, err := LoadFS(os.DirFS(dir), true)
	if err != nil {
		return nil, err
	}
	fsys := os.DirFS(mirror)
	comps, err := fs.Glob(fsys, "*/"+string(Source)+".json")
	if err != nil {
		return nil, err
	}
	if len(comps) == 0 {
		return nil, fmt.Errorf("locales: %s holds no <component>/%s.json: not a Weblate mirror written by `rightsline i18n weblate export`", mirror, Source)
	}
	english := map[string]string{}
	for _, name := range comps {
		m, err := readWeblateFile(fsys, name)
		if err != nil {
			return nil, err
		}
		for id, text := range m {
			english[id] = text
		}
	}
	out := map[Lang]FileImport{}
	for _, l := range All[1:] {
		var rows []ReviewRow
		for _, enName := range comps {
			name := path.Dir(enName) + "/" + string(l) + ".json"
			texts, err := readWeblateFile(fsys, name)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			ids := sortedKeys(texts)
			for _, id := range ids {
				text := texts[id]
				if cur, ok := cat.messages[l][id]; ok && cur.Text == text {
					continue
				}
				en, ok := english[id]
				if !ok {
					en = "\x00not in the mirror's English"
				}
				rows = append(rows, ReviewRow{ID: id, English: en, Translation: text, Review: ReviewDraft})
			}
		}
		slices.SortFunc(rows, func(a, b ReviewRow) int { return strings.Compare(a.ID, b.ID) })
		if len(rows) == 0 {
			continue
		}
		res, err := ImportToFiles(dir, l, rows, FileImportOptions{DryRun: dryRun})
		if err != nil {
			return out, fmt.Errorf("%s: %w", l, err)
		}
		out[l] = res
	}
	return out, nil
}
