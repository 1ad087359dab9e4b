#!/usr/bin/env bash
# Takes a logical backup of the Rightsline database.
#
#   deploy/backup.sh DATABASE_URL OUT_FILE
#
# Writes a pg_dump archive in custom format (compressed; pg_restore can
# restore all of it or single tables), consistent as of the moment it
# starts, while the service keeps running. The archive holds residents'
# personal data: store it encrypted, with access as narrow as the
# database's, and delete it on the retention schedule.
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 DATABASE_URL OUT_FILE" >&2
	exit 2
fi
url=$1
out=$2

umask 077
tmp="$out.partial"
pg_dump --format=custom --compress=6 --file="$tmp" --dbname="$url"
# A complete, readable archive or nothing under the final name.
pg_restore --list "$tmp" >/dev/null
mv "$tmp" "$out"
echo "backup written to $out ($(wc -c <"$out") bytes)"
