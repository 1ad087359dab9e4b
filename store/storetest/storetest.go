// Package storetest opens fresh, isolated stores for tests, on SQLite and on
// Postgres, so one test suite can run against both backends.
//
// SQLite stores are file databases in t.TempDir(). Postgres stores use the
// server named by TEST_DATABASE_URL; each store gets its own newly created
// schema (selected through search_path), dropped when the test ends, so
// parallel tests and parallel runs never see each other's data. Without
// TEST_DATABASE_URL the Postgres variant is skipped, unless
// RIGHTSLINE_REQUIRE_POSTGRES=1, in which case it fails.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the admin connection

	"github.com/rightsline/rightsline/store"
)

// Backend names accepted by Open; also the names of the subtests Each runs.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Backends lists every backend, in the order Each runs them.
var Backends = []string{SQLite, Postgres}

// Environment variables read by this package.
const (
	// EnvDatabaseURL names the Postgres server for tests, e.g.
	// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
	EnvDatabaseURL = "TEST_DATABASE_URL"
	// EnvRequirePostgres, set to "1", turns a missing TEST_DATABASE_URL
	// from a skip into a failure. CI sets it.
	EnvRequirePostgres = "RIGHTSLINE_REQUIRE_POSTGRES"
)

// pgMaxOpenConns caps each test store's Postgres pool, so that many
// parallel tests stay well below the server's max_connections.
const pgMaxOpenConns = 8

// setupTimeout bounds creating a store, including its migrations.
const setupTimeout = 2 * time.Minute

// Each runs fn once per backend, as the subtests "sqlite" and "postgres",
// each with its own fresh store. The subtests run one after the other;
// call t.Parallel in fn to run them in parallel (Each then returns before
// they finish, as usual for parallel subtests).
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, backend := range Backends {
		t.Run(backend, func(t *testing.T) {
			fn(t, Open(t, backend))
		})
	}
}

// Open returns a fresh, migrated store on backend (SQLite or Postgres),
// closed and removed when the test ends. For Postgres it skips the test, or
// fails it under RIGHTSLINE_REQUIRE_POSTGRES=1, when TEST_DATABASE_URL is
// not set.
func Open(t testing.TB, backend string) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	switch backend {
	case SQLite:
		s, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "store.db"))
		if err != nil {
			t.Fatalf("storetest: open sqlite store: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	case Postgres:
		return openPostgres(ctx, t)
	default:
		t.Fatalf("storetest: unknown backend %q (want %q or %q)", backend, SQLite, Postgres)
		return nil
	}
}

// PostgresURL returns TEST_DATABASE_URL, or skips the test (fails it under
// RIGHTSLINE_REQUIRE_POSTGRES=1) if it is not set.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvDatabaseURL)
	if u != "" {
		return u
	}
	if os.Getenv(EnvRequirePostgres) == "1" {
		t.Fatalf("storetest: %s=1 but %s is not set; set it to a Postgres URL, e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
			EnvRequirePostgres, EnvDatabaseURL)
	}
	t.Skipf("storetest: %s not set; skipping the Postgres variant (set it, e.g. to postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)",
		EnvDatabaseURL)
	return ""
}

// openPostgres creates a schema named t_<random hex>, opens a store whose
// search_path selects it, and drops the schema when the test ends.
func openPostgres(ctx context.Context, t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(ctx, postgresSchemaURL(ctx, t))
	if err != nil {
		t.Fatalf("storetest: open postgres store: %v", err)
	}
	s.DB().SetMaxOpenConns(pgMaxOpenConns)
	// Contract tests open their store, then pause in t.Parallel until a
	// slot is free; without this every paused test would hold its idle
	// connections and a full go test ./... runs the shared server out of
	// max_connections ("too many clients").
	s.DB().SetMaxIdleConns(1)
	s.DB().SetConnMaxIdleTime(time.Second)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// postgresSchemaURL creates a schema named t_<random hex>, drops it when
// the test ends (after the stores opened on it close: cleanups run last
// registered first) and returns TEST_DATABASE_URL with a search_path that
// selects it.
func postgresSchemaURL(ctx context.Context, t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	u, err := url.Parse(base)
	if err != nil {
		// Don't echo the URL: it may hold a password.
		t.Fatalf("storetest: %s is not a valid URL", EnvDatabaseURL)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: connect to Postgres: %v", err)
	}
	admin.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = admin.Close() })
	schema := "t_" + randomHex(8)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// PostgresSchemaURL creates a fresh schema (dropped when the test ends)
// and returns TEST_DATABASE_URL selecting it, for tests that open several
// stores or processes on one database. It skips like PostgresURL.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	return postgresSchemaURL(ctx, t)
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// URL returns the URL of a fresh, empty database on backend, for tests
// that open and close stores on it themselves (reopening, changing keys).
// The test must close its stores before it ends; the database (a temp
// file, or a schema dropped at cleanup) goes with the test.
func URL(t testing.TB, backend string) string {
	t.Helper()
	switch backend {
	case SQLite:
		return "sqlite:" + filepath.Join(t.TempDir(), "store.db")
	case Postgres:
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		return postgresSchemaURL(ctx, t)
	}
	t.Fatalf("storetest: unknown backend %q", backend)
	return ""
}
