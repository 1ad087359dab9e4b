package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/crc64"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrationFiles holds the goose migrations, one directory per dialect.
// Version ranges: core 00001–00009, SMS 00010–00019, intake 00020–00029,
// Discord 00030–00039, security (rate limits, second factor) 00090–00099.
//
//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrationFiles embed.FS

// migrate applies all pending migrations for the dialect.
//
// Out-of-order application is allowed: teams own disjoint version ranges
// and merge independently, so a database may already carry 00020 when
// 00010 first appears. On Postgres a session advisory lock, keyed by the
// current schema, keeps concurrently starting processes from migrating the
// same schema at once.
func migrate(ctx context.Context, db *sql.DB, d Dialect) error { return migrateTo(ctx, db, d, 0) }

// migrateTo applies the pending migrations up to version (0: all).
func migrateTo(ctx context.Context, db *sql.DB, d Dialect, version int64) error {
	fsys, err := fs.Sub(migrationFiles, "migrations/"+d.String())
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	opts := []goose.ProviderOption{
		goose.WithDisableGlobalRegistry(true),
		goose.WithAllowOutofOrder(true),
	}
	var gd goose.Dialect
	switch d {
	case Postgres:
		gd = goose.DialectPostgres
	case SQLite:
		gd = goose.DialectSQLite3
		opts = append(opts, goose.WithGoMigrations(sqliteTranslatorRole))
	default:
		return fmt.Errorf("store: migrations: unsupported dialect %s", d)
	}
	// A database whose schema is current (every start-up but the first
	// after a deploy) is told by one query of goose's version table,
	// without the advisory lock and the rest of goose's Up (a dozen
	// milliseconds of every start-up on Postgres). Anything else (a
	// pending migration, no version table yet, an error) goes through Up
	// under the lock, which checks again.
	if version == 0 {
		if p, err := goose.NewProvider(gd, db, fsys, opts...); err == nil {
			if pending, err := p.HasPending(ctx); err == nil && !pending {
				return nil
			}
		}
	}
	if d == Postgres {
		var schema sql.NullString
		if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			return fmt.Errorf("store: migrations: current schema: %w", err)
		}
		if !schema.Valid {
			return errors.New("store: migrations: no schema on the search_path exists; create it or fix search_path")
		}
		locker, err := lock.NewPostgresSessionLocker(
			lock.WithLockID(migrationLockID(schema.String)),
			lock.WithLockTimeout(1, 300), // poll every second, for up to 5 minutes
		)
		if err != nil {
			return fmt.Errorf("store: migrations: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, db, fsys, opts...)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	up := p.Up
	if version > 0 {
		up = func(ctx context.Context) ([]*goose.MigrationResult, error) { return p.UpTo(ctx, version) }
	}
	if _, err := up(ctx); err != nil {
		return fmt.Errorf("store: migrate %s: %w", d, err)
	}
	return nil
}

// migrationLockID derives the advisory lock id for migrating one schema,
// so that migrations of different schemas (parallel tests) don't wait for
// each other.
func migrationLockID(schema string) int64 {
	return int64(crc64.Checksum([]byte("rightsline-migrate:"+schema), crc64.MakeTable(crc64.ECMA)))
}
