#!/usr/bin/env bash
# Restores a backup made by deploy/backup.sh (pg_dump custom format) into a
# new database, and checks what it restored.
#
#   deploy/restore.sh DUMP_FILE TARGET_DATABASE_URL
#
# The target database is created if it does not exist (through the
# server's "postgres" database, so the URL's user needs CREATEDB); an
# existing database must be empty, so a restore never mixes with live
# data. Everything is restored in one transaction: it either all arrives
# or nothing does. Ownership and grants are not restored: the objects
# belong to the restoring user, as they do when the service migrates.
#
# Then point DATABASE_URL at the restored database and start the
# service; it applies any migration the backup predates.
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 DUMP_FILE TARGET_DATABASE_URL" >&2
	exit 2
fi
dump=$1
target=$2

die() { echo "restore: $*" >&2; exit 1; }

[ -r "$dump" ] || die "cannot read $dump"
pg_restore --list "$dump" >/dev/null || die "$dump is not a pg_dump custom-format archive"

case "$target" in
postgres://* | postgresql://*) ;;
*) die "TARGET_DATABASE_URL must be a postgres:// URL" ;;
esac
# postgres://user@host:port/NAME?params → NAME, and the same URL for the
# maintenance database "postgres".
dbname=$(printf '%s' "$target" | sed -E 's#^postgres(ql)?://[^/]*/?([^?]*).*$#\2#')
[ -n "$dbname" ] || die "TARGET_DATABASE_URL names no database"
printf '%s' "$dbname" | grep -Eq '^[A-Za-z_][A-Za-z0-9_]*$' || die "database name $dbname: use letters, digits and _"
maint=$(printf '%s' "$target" | sed -E 's#^(postgres(ql)?://[^/]*)/?[^?]*#\1/postgres#')

exists=$(psql "$maint" -XtAc "SELECT 1 FROM pg_database WHERE datname = '$dbname'")
if [ "$exists" = 1 ]; then
	tables=$(psql "$target" -XtAc "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
	[ "$tables" = 0 ] || die "database $dbname already has $tables tables; restore into a new database"
else
	psql "$maint" -XqAc "CREATE DATABASE \"$dbname\"" || die "cannot create database $dbname"
	echo "created database $dbname"
fi

pg_restore --dbname="$target" --no-owner --no-acl --single-transaction --exit-on-error "$dump"

# What arrived: the schema version and the rows of the main tables.
psql "$target" -XtA -F ' ' <<'SQL'
SELECT 'schema version', COALESCE(max(version_id), 0) FROM goose_db_version WHERE is_applied;
SELECT 'contacts', count(*) FROM contacts;
SELECT 'messages', count(*) FROM messages;
SELECT 'reports', count(*) FROM reports;
SELECT 'outbox', count(*) FROM outbox;
SQL
echo "restored $dump into $dbname"
