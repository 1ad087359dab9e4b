package store

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

// queryFiles holds the named SQL blocks. A file "X.sql" is shared by all
// dialects; "X.postgres.sql" and "X.sqlite.sql" override (or add) blocks for
// one dialect.
//
//go:embed queries/*.sql
var queryFiles embed.FS

// queries maps each dialect to its query text by name. It is built once at
// init and never written afterwards, so concurrent reads need no lock.
var queries = mustLoadQueries(queryFiles, "queries")

// mustLoadQueries is loadQueries for embedded files: an error there is a
// programming mistake caught by any test, so it panics.
func mustLoadQueries(fsys fs.FS, dir string) map[Dialect]map[string]string {
	q, err := loadQueries(fsys, dir)
	if err != nil {
		panic(err)
	}
	return q
}

// loadQueries parses every *.sql file in dir and returns, per dialect, the
// shared blocks with that dialect's overrides applied. Every name must
// resolve on every dialect, but for those written for one alone (onlyFor).
func loadQueries(fsys fs.FS, dir string) (map[Dialect]map[string]string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("store: read queries: %w", err)
	}
	shared := map[string]string{}
	overrides := map[Dialect]map[string]string{}
	for _, d := range dialects {
		overrides[d] = map[string]string{}
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		target := shared
		stem := strings.TrimSuffix(name, ".sql")
		if i := strings.LastIndexByte(stem, '.'); i >= 0 {
			d, ok := dialectByName(stem[i+1:])
			if !ok {
				return nil, fmt.Errorf("store: query file %s: unknown dialect suffix %q", name, stem[i+1:])
			}
			target = overrides[d]
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("store: read query file %s: %w", name, err)
		}
		blocks, err := parseQueries(string(data))
		if err != nil {
			return nil, fmt.Errorf("store: query file %s: %w", name, err)
		}
		for qname, text := range blocks {
			if _, dup := target[qname]; dup {
				return nil, fmt.Errorf("store: query file %s: query %q defined twice", name, qname)
			}
			target[qname] = text
		}
	}

	all := map[string]bool{}
	for qname := range shared {
		all[qname] = true
	}
	out := map[Dialect]map[string]string{}
	for _, d := range dialects {
		m := make(map[string]string, len(shared))
		for qname, text := range shared {
			m[qname] = text
		}
		for qname, text := range overrides[d] {
			m[qname] = text
			all[qname] = true
		}
		out[d] = m
	}
	var missing []string
	for qname := range all {
		for _, d := range dialects {
			if only, ok := onlyFor(qname); ok && only != d {
				continue
			}
			if _, ok := out[d][qname]; !ok {
				missing = append(missing, fmt.Sprintf("%s (%s)", qname, d))
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("store: queries missing for a dialect: %s", strings.Join(missing, ", "))
	}
	return out, nil
}

// onlyFor reports the dialect a query is written for alone: one whose
// name ends in the dialect's name ("RecordStepPostgres"), used only by code
// that runs on that dialect (a round trip Postgres saves and SQLite, in
// process, has no use for). Such a query needs no twin on the others.
func onlyFor(qname string) (Dialect, bool) {
	for _, d := range dialects {
		name := d.String()
		if strings.HasSuffix(qname, strings.ToUpper(name[:1])+name[1:]) {
			return d, true
		}
	}
	return 0, false
}

var nameLine = regexp.MustCompile(`^--\s*name:\s*(\S+)\s*$`)

// nameLineOf is the name of a trimmed "-- name: X" line, "" for any other
// line (only comments are matched against nameLine).
func nameLineOf(t string) string {
	if !strings.HasPrefix(t, "--") {
		return ""
	}
	if m := nameLine.FindStringSubmatch(t); m != nil {
		return m[1]
	}
	return ""
}

// parseQueries splits a file into "-- name: X" blocks. Text before the
// first block may only be comments or blank lines. A block's text is
// trimmed of surrounding whitespace and one trailing semicolon.
func parseQueries(src string) (map[string]string, error) {
	out := map[string]string{}
	var name string
	var body strings.Builder
	flush := func() error {
		if name == "" {
			return nil
		}
		text := strings.TrimSpace(body.String())
		text = strings.TrimSpace(strings.TrimSuffix(text, ";"))
		if !hasSQL(text) {
			return fmt.Errorf("query %q is empty", name)
		}
		if _, dup := out[name]; dup {
			return fmt.Errorf("query %q defined twice", name)
		}
		out[name] = text
		body.Reset()
		return nil
	}
	// Split in place (the files are parsed at every start-up, at package
	// initialisation): a bufio.Scanner with a 64 KB buffer per file
	// allocated 2 MB there.
	lineNo := 0
	for line := range strings.SplitSeq(strings.TrimSuffix(src, "\n"), "\n") {
		lineNo++
		line = strings.TrimSuffix(line, "\r")
		t := strings.TrimSpace(line)
		if m := nameLineOf(t); m != "" {
			if err := flush(); err != nil {
				return nil, err
			}
			name = m
			continue
		}
		if name == "" {
			if t != "" && !strings.HasPrefix(t, "--") {
				return nil, fmt.Errorf("line %d: SQL before the first \"-- name:\" line", lineNo)
			}
			continue
		}
		body.WriteString(line)
		body.WriteByte('\n')
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// hasSQL reports whether text holds anything besides comments and blanks.
func hasSQL(text string) bool {
	for line := range strings.SplitSeq(text, "\n") {
		t := strings.TrimSpace(line)
		if t != "" && !strings.HasPrefix(t, "--") {
			return true
		}
	}
	return false
}

// query returns the SQL of the named query for d. Names are checked by the
// tests; an unknown name is a programming mistake and panics.
func query(d Dialect, name string) string {
	text, ok := queries[d][name]
	if !ok {
		panic(fmt.Sprintf("store: unknown query %q", name))
	}
	return text
}
