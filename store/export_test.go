package store

import (
	"context"
	"database/sql"
)

// MigrateUpTo applies the migrations up to version to the database at
// databaseURL without opening a Store: tests of a migration's data step
// write rows as an older version did, then Open the store.
func MigrateUpTo(ctx context.Context, databaseURL string, version int64) error {
	d, driver, dsn, err := parseDatabaseURL(databaseURL)
	if err != nil {
		return err
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	return migrateTo(ctx, db, d, version)
}
