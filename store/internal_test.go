package store

import (
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestSQLiteBindsDollarPlaceholdersPositionally checks the premise that lets
// both dialects share SQL: modernc.org/sqlite binds $N to the N-th argument,
// also when placeholders appear out of order or more than once.
func TestSQLiteBindsDollarPlaceholdersPositionally(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got string
	if err := db.QueryRowContext(t.Context(), "SELECT $2 || '-' || $1 || '-' || $2 || '-' || $3", "a", "b", "c").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "b-a-b-c" {
		t.Fatalf("got %q, want b-a-b-c", got)
	}
}

// TestQueriesUsedExist ties the query names in the Go code to the query
// files: every literal name passed to exec/queryRow/queryRows/messages must
// resolve on every dialect, so a typo fails here rather than as a panic in
// a rarely taken path.
func TestQueriesUsedExist(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`\.(?:exec|queryRow|queryRows|messages)\(ctx, "([A-Za-z0-9_]+)"`)
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
	}
	if len(used) == 0 {
		t.Fatal("found no query calls; did the helpers get renamed?")
	}
	for _, d := range dialects {
		for name := range used {
			if only, ok := onlyFor(name); ok && only != d {
				continue
			}
			if _, ok := queries[d][name]; !ok {
				t.Errorf("query %q is used but not defined for %s", name, d)
			}
		}
	}
	if !strings.Contains(queries[Postgres]["ContactForUpdate"], "FOR UPDATE") ||
		strings.Contains(queries[SQLite]["ContactForUpdate"], "FOR UPDATE") {
		t.Error("ContactForUpdate override not applied per dialect")
	}
}

func TestParseQueries(t *testing.T) {
	t.Parallel()
	got, err := parseQueries(`-- header comment

-- name: A
-- what A does
SELECT 1;

--name:B
SELECT $1
FROM t;
`)
	if err != nil {
		t.Fatal(err)
	}
	if got["A"] != "-- what A does\nSELECT 1" || got["B"] != "SELECT $1\nFROM t" || len(got) != 2 {
		t.Fatalf("parsed %q", got)
	}
	for _, bad := range []string{
		"SELECT 1;\n-- name: A\nSELECT 2",
		"-- name: A\nSELECT 1\n-- name: A\nSELECT 2",
		"-- name: A\n-- only a comment\n",
	} {
		if _, err := parseQueries(bad); err == nil {
			t.Errorf("parseQueries(%q) accepted", bad)
		}
	}
}

func TestLoadQueriesOverridesAndMissing(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"q/a.sql":          {Data: []byte("-- name: X\nSELECT 1\n-- name: Y\nSELECT 2")},
		"q/a.postgres.sql": {Data: []byte("-- name: Y\nSELECT 3")},
		"q/readme.txt":     {Data: []byte("ignored")},
	}
	got, err := loadQueries(fsys, "q")
	if err != nil {
		t.Fatal(err)
	}
	if got[Postgres]["Y"] != "SELECT 3" || got[SQLite]["Y"] != "SELECT 2" || got[Postgres]["X"] != "SELECT 1" {
		t.Fatalf("loaded %q", got)
	}

	fsys["q/b.sqlite.sql"] = &fstest.MapFile{Data: []byte("-- name: OnlySQLite\nSELECT 4")}
	if _, err := loadQueries(fsys, "q"); err == nil || !strings.Contains(err.Error(), "OnlySQLite (postgres)") {
		t.Fatalf("missing dialect query: err = %v", err)
	}
	delete(fsys, "q/b.sqlite.sql")
	fsys["q/c.mysql.sql"] = &fstest.MapFile{Data: []byte("-- name: Z\nSELECT 5")}
	if _, err := loadQueries(fsys, "q"); err == nil {
		t.Fatal("unknown dialect suffix accepted")
	}
}

func TestParseDatabaseURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		dialect Dialect
		driver  string
		dsn     string
	}{
		{"postgres://u:p@h:5432/db?sslmode=disable", Postgres, "pgx", "postgres://u:p@h:5432/db?sslmode=disable"},
		{"postgresql://h/db", Postgres, "pgx", "postgresql://h/db"},
		{"sqlite:rightsline.db", SQLite, "sqlite", "rightsline.db?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=secure_delete(1)&_txlock=immediate&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"},
		{"sqlite:///var/lib/rl.db", SQLite, "sqlite", "/var/lib/rl.db?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=secure_delete(1)&_txlock=immediate&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"},
		{"sqlite::memory:", SQLite, "sqlite", ":memory:?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=secure_delete(1)&_txlock=immediate"},
	}
	for _, c := range cases {
		d, driver, dsn, err := parseDatabaseURL(c.in)
		if err != nil || d != c.dialect || driver != c.driver || dsn != c.dsn {
			t.Errorf("parseDatabaseURL(%q) = %v, %q, %q, %v; want %v, %q, %q", c.in, d, driver, dsn, err, c.dialect, c.driver, c.dsn)
		}
	}
	for _, bad := range []string{"", "mysql://x", "sqlite:", "sqlite:a.db?x=1", "/tmp/a.db", "postgres://h:badport/db"} {
		if _, _, _, err := parseDatabaseURL(bad); err == nil {
			t.Errorf("parseDatabaseURL(%q) accepted", bad)
		}
	}
}

// TestSQLitePragmasApplied checks that every pooled SQLite connection gets
// WAL, foreign keys, the busy timeout and IMMEDIATE transactions.
func TestSQLitePragmasApplied(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mode string
	var fk, busy int
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || fk != 1 || busy != int(sqliteBusyTimeout/time.Millisecond) {
		t.Fatalf("journal_mode=%s foreign_keys=%d busy_timeout=%d", mode, fk, busy)
	}

	// A transaction that has only begun already holds the write lock: a
	// second connection cannot start writing meanwhile.
	other, err := sql.Open("sqlite", dbFile(t, s)+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	err = s.InTx(ctx, func(tx *Tx) error {
		_, err := other.ExecContext(ctx, "INSERT INTO contacts (channel, address, created_at, updated_at) VALUES ('sms', 'x', 'a', 'a')")
		if err == nil || !isRetryable(err) {
			t.Errorf("write during an open IMMEDIATE transaction: err = %v; want SQLITE_BUSY", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// dbFile returns the file behind a SQLite store.
func dbFile(t *testing.T, s *Store) string {
	t.Helper()
	var file string
	if err := s.db.QueryRowContext(t.Context(), "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestTimeDest(t *testing.T) {
	t.Parallel()
	want := time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.UTC)
	for _, src := range []any{
		want.In(time.FixedZone("X", 3600)),
		"2025-01-02T03:04:05.123456Z",
		[]byte("2025-01-02T04:04:05.123456789+01:00"),
	} {
		var got time.Time
		if err := (timeDest{&got}).Scan(src); err != nil || got != want {
			t.Errorf("Scan(%v) = %v, %v; want %v", src, got, err, want)
		}
	}
	if s := timeArg(SQLite, want.Add(789)); s != "2025-01-02T03:04:05.123456Z" {
		t.Errorf("timeArg(SQLite) = %v", s)
	}
	for _, bad := range []any{nil, 42, "yesterday"} {
		var got time.Time
		if err := (timeDest{&got}).Scan(bad); err == nil {
			t.Errorf("Scan(%v) accepted", bad)
		}
	}
}

// TestEverySealedColumnIsRotated: a sealed column is made only by
// sealedColumn, which refuses a column missing from sealedTables (the list
// rotation walks), so no code may build a column by hand; and every
// sealedColumn call names a listed column (checked when the package
// initialises, here by calling each again).
func TestEverySealedColumnIsRotated(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	literal := regexp.MustCompile(`\bcolumn\{`)
	call := regexp.MustCompile(`sealedColumn\("([a-z_]+)", "([a-z_]+)"\)`)
	calls := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if f != "rotate.go" && literal.Match(src) {
			t.Errorf("%s builds a sealed column by hand (column{…}); use sealedColumn so rotation covers it", f)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			calls++
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s: %v", f, r)
					}
				}()
				sealedColumn(m[1], m[2])
			}()
		}
	}
	if calls < 10 {
		t.Fatalf("found %d sealedColumn calls; the pattern no longer matches the code", calls)
	}
	for _, tb := range sealedTables {
		for _, c := range tb.cols {
			sealedColumn(tb.name, c)
		}
	}
}
