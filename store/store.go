// Package store is Rightsline's persistence layer: contacts, each contact's
// conversation state, and the messages exchanged with them.
//
// One implementation over database/sql serves Postgres (pgx's stdlib driver)
// and SQLite (modernc.org/sqlite). Both run the same SQL, written with $1, $2
// placeholders, from the named blocks in queries/*.sql; the few queries that
// differ are overridden per dialect. The schema lives in goose migrations
// under migrations/<dialect>/ and is applied by Open.
//
// All writes that belong together go through [Store.InTx]. Inside it,
// [Tx.ContactForUpdate] serialises work per contact: on Postgres it locks the
// contact's row, on SQLite the transaction holds the database's write lock
// from BEGIN (BEGIN IMMEDIATE). Either way, two messages from one person are
// never handled at the same time.
//
// The package logs nothing, and its errors never contain addresses (phone
// numbers, user ids), message bodies or connection strings.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect identifies the SQL database behind a Store.
type Dialect int

const (
	// Postgres is PostgreSQL through the pgx stdlib driver.
	Postgres Dialect = iota + 1
	// SQLite is SQLite through modernc.org/sqlite.
	SQLite
)

// dialects lists every supported dialect, for loops over all of them.
var dialects = []Dialect{Postgres, SQLite}

// String returns "postgres" or "sqlite"; these are also the suffixes of
// per-dialect query files and the names of the migration directories.
func (d Dialect) String() string {
	switch d {
	case Postgres:
		return "postgres"
	case SQLite:
		return "sqlite"
	default:
		return fmt.Sprintf("Dialect(%d)", int(d))
	}
}

// dialectByName is the inverse of Dialect.String.
func dialectByName(name string) (Dialect, bool) {
	for _, d := range dialects {
		if d.String() == name {
			return d, true
		}
	}
	return 0, false
}

// SQLite connection settings, applied to every pooled connection.
const (
	sqliteBusyTimeout = 10 * time.Second
	// sqliteMaxOpenConns bounds the pool of a file database. Only one
	// connection writes at a time; the rest serve concurrent reads (WAL).
	sqliteMaxOpenConns = 16
)

// Default Postgres pool settings (see [Options]).
const (
	DefaultMaxOpenConns    = 10
	DefaultMaxIdleConns    = 5
	DefaultConnMaxLifetime = 30 * time.Minute
	DefaultConnMaxIdleTime = 5 * time.Minute
)

// PoolOptions tunes a Postgres pool; zero fields take the defaults above.
// Every instance opens up to MaxOpenConns connections, so instances ×
// MaxOpenConns must stay under the server's max_connections (100 by
// default) with room for migrations, backups and psql. SQLite ignores them.
type PoolOptions struct {
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	ConnMaxIdleTime time.Duration
}

func (o PoolOptions) withDefaults() PoolOptions {
	if o.MaxOpenConns <= 0 {
		o.MaxOpenConns = DefaultMaxOpenConns
	}
	if o.MaxIdleConns <= 0 {
		o.MaxIdleConns = min(DefaultMaxIdleConns, o.MaxOpenConns)
	}
	o.MaxIdleConns = min(o.MaxIdleConns, o.MaxOpenConns)
	if o.ConnMaxLifetime <= 0 {
		o.ConnMaxLifetime = DefaultConnMaxLifetime
	}
	if o.ConnMaxIdleTime <= 0 {
		o.ConnMaxIdleTime = DefaultConnMaxIdleTime
	}
	return o
}

// ErrUnreachable marks an Open that failed because the database could not
// be reached (as opposed to a bad URL or a failed migration): trying again
// later may succeed.
var ErrUnreachable = errors.New("database unreachable")

// Store is a handle on the database. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect Dialect
	// writer runs write transactions one at a time on SQLite, committing
	// them in groups (group.go). It is nil on Postgres.
	writer *writer
	// now is the clock for stored times.
	now func() time.Time
	// rateLimitPurged is when this process last purged ended rate-limit
	// windows (unix seconds).
	rateLimitPurged atomic.Int64
	// keys seal personal fields at rest and key the address index.
	keys *Keys
	// observer, if set, is told about transactions and committed writes.
	observer Observer
	// pool tunes a Postgres pool (WithPool).
	pool PoolOptions
	// stmts holds the named queries prepared on SQLite, each at its
	// first use (stmts.go).
	stmts statements
}

// Option configures Open.
type Option func(*Store)

// WithPool sets the Postgres pool's size and connection lifetimes.
func WithPool(o PoolOptions) Option {
	return func(s *Store) { s.pool = o }
}

// WithKeys makes the store seal personal data with k (see keys.go). Open
// without it uses one random keyring per process (every store the process
// opens shares it, so a test can reopen a database), which nothing can read
// after the process ends: tests and tools only. cmd/rightsline always
// passes the configured keyring.
func WithKeys(k *Keys) Option {
	return func(s *Store) { s.keys = k }
}

// Open connects to databaseURL, applies pending migrations and returns the
// Store. Accepted forms:
//
//	postgres://user:pass@host:5432/db?sslmode=disable   (also postgresql://)
//	sqlite:PATH                                          e.g. sqlite:rightsline.db
//	sqlite::memory:                                      a private in-memory database
//
// Postgres URLs are passed to pgx unchanged, so any pgx or libpq parameter,
// including search_path, may be given. SQLite databases are opened in WAL
// mode with foreign keys on, a 10s busy timeout and IMMEDIATE transactions;
// an in-memory database uses a single connection, so every query sees the
// same data (and a query outside a transaction waits for the open one).
func Open(ctx context.Context, databaseURL string, opts ...Option) (*Store, error) {
	dialect, driver, dsn, err := parseDatabaseURL(databaseURL)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dialect, err)
	}
	s := &Store{db: db, dialect: dialect, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	if s.keys == nil {
		s.keys = processKeys()
	}
	switch dialect {
	case Postgres:
		o := s.pool.withDefaults()
		db.SetMaxOpenConns(o.MaxOpenConns)
		db.SetMaxIdleConns(o.MaxIdleConns)
		db.SetConnMaxLifetime(o.ConnMaxLifetime)
		db.SetConnMaxIdleTime(o.ConnMaxIdleTime)
	case SQLite:
		s.writer = newWriter()
		if isSQLiteMemory(dsn) {
			// Each connection to ":memory:" is its own empty database,
			// so keep exactly one and never let it expire.
			db.SetMaxOpenConns(1)
			db.SetMaxIdleConns(1)
			db.SetConnMaxLifetime(0)
			db.SetConnMaxIdleTime(0)
		} else {
			db.SetMaxOpenConns(sqliteMaxOpenConns)
			db.SetMaxIdleConns(sqliteMaxOpenConns)
		}
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect to %s: %w: %w", dialect, ErrUnreachable, err)
	}
	if err := migrate(ctx, db, dialect); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.sealLegacyContacts(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if _, err := s.KeyRespondents(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// parseDatabaseURL maps a DATABASE_URL to a dialect, a database/sql driver
// name and that driver's DSN. Errors name only the URL's scheme, never the
// URL, which may hold a password.
func parseDatabaseURL(databaseURL string) (d Dialect, driver, dsn string, err error) {
	switch {
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		if _, err := url.Parse(databaseURL); err != nil {
			return 0, "", "", errors.New("store: malformed postgres DATABASE_URL")
		}
		return Postgres, "pgx", databaseURL, nil
	case strings.HasPrefix(databaseURL, "sqlite:"):
		p := strings.TrimPrefix(databaseURL, "sqlite:")
		// Tolerate the URL-ish spellings sqlite://rel.db and sqlite:///abs.db.
		p = strings.TrimPrefix(p, "//")
		if p == "" {
			return 0, "", "", errors.New("store: sqlite DATABASE_URL has no path (want sqlite:PATH or sqlite::memory:)")
		}
		if strings.ContainsRune(p, '?') {
			return 0, "", "", errors.New("store: sqlite DATABASE_URL must not carry query parameters; the store sets its own")
		}
		return SQLite, "sqlite", sqliteDSN(p), nil
	default:
		scheme, _, ok := strings.Cut(databaseURL, ":")
		if !ok || databaseURL == "" {
			return 0, "", "", errors.New("store: DATABASE_URL is empty or has no scheme (want postgres://…, postgresql://… or sqlite:PATH)")
		}
		return 0, "", "", fmt.Errorf("store: unsupported DATABASE_URL scheme %q (want postgres, postgresql or sqlite)", scheme)
	}
}

// sqliteDSN is the modernc.org/sqlite DSN for the database file p. The
// driver runs the _pragma values on every new connection, busy_timeout
// first; _txlock=immediate makes BeginTx issue BEGIN IMMEDIATE, so a write
// transaction holds the write lock from its first statement and cannot fail
// half-way with SQLITE_BUSY when it upgrades from reading to writing.
func sqliteDSN(p string) string {
	params := []string{
		fmt.Sprintf("_pragma=busy_timeout(%d)", sqliteBusyTimeout.Milliseconds()),
		"_pragma=foreign_keys(1)",
		// Deleted content is overwritten with zeros, so an erasure leaves
		// nothing in free pages.
		"_pragma=secure_delete(1)",
		"_txlock=immediate",
	}
	if !isSQLiteMemory(p) {
		params = append(params, "_pragma=journal_mode(WAL)", "_pragma=synchronous(NORMAL)")
	}
	return p + "?" + strings.Join(params, "&")
}

// isSQLiteMemory reports whether a SQLite path or DSN names a private
// in-memory database.
func isSQLiteMemory(p string) bool {
	p, _, _ = strings.Cut(p, "?")
	return p == ":memory:" || p == "file::memory:"
}

// Keys returns the store's keyring, for keyed indexes of other values
// ([Keys.Index]).
func (s *Store) Keys() *Keys {
	return s.keys
}

// processKeys is the keyring of stores opened without WithKeys.
var processKeys = sync.OnceValue(EphemeralKeys)

// Close closes the database pool.
func (s *Store) Close() error {
	s.closeStatements()
	return s.db.Close()
}

// Dialect reports which database the Store talks to.
func (s *Store) Dialect() Dialect {
	return s.dialect
}

// DB returns the underlying pool, for packages that run their own queries
// against tables they own. Write through [Store.InTx] and [Tx.SQL] where
// the write must be atomic with the store's own.
func (s *Store) DB() *sql.DB {
	return s.db
}

// Ping checks that the database is reachable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping %s: %w", s.dialect, err)
	}
	return nil
}

// SetClock replaces the clock the store uses for stored times and rate
// limit windows. Tests call it before using the store; nil restores
// time.Now.
func (s *Store) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.now = now
}

// clock returns the current time as stored: UTC, truncated to the
// microsecond (Postgres's precision, used on both dialects).
func (s *Store) clock() time.Time {
	return normTime(s.now())
}
