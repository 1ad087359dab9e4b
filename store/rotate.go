package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// column is a sealed column: its additional data binds a sealed value to
// it, so a value copied into another column does not open. The only way
// to get one is [sealedColumn], which refuses a column missing from
// sealedTables: whatever this package seals, `rightsline keys rotate`
// re-seals.
type column struct{ aad string }

// row binds the column's value to one row as well (a TOTP secret to its
// staff member), for tables whose rowAAD is set.
func (c column) row(id int64) column { return column{aad: c.aad + ":" + strconv.FormatInt(id, 10)} }

// fileColumn is the additional data of a value sealed for a file outside
// the database (SealBytes: the inbound spool). Rotation does not reach
// files: a spool lives seconds to minutes, so keep a retired key in the
// ring until the spools are empty.
func fileColumn(purpose string) column { return column{aad: "file." + purpose} }

// sealedTable is a table with sealed columns, for rotation.
type sealedTable struct {
	name string
	key  string   // the column that identifies a row (and orders the batches)
	cols []string // the sealed columns
	blob bool     // the sealed columns are BYTEA/BLOB
	// aadTable names the columns in their additional data, if not name:
	// a suppression holds the sealed address of the contact it replaced.
	aadTable string
	// rowAAD: the additional data ends with ":<key>" (column.row).
	rowAAD bool
	// index, if set, is the keyed index the table is found by; rotation
	// recomputes it under the current index key (index_key_id).
	index *keyedIndex
	// batch, if set, caps the rows rewritten per transaction below the
	// caller's batch: a medium holds up to MEDIA_MAX_BYTES, so rotation
	// reads a few at a time, not 200.
	batch int
}

// keyedIndex is a column holding a keyed HMAC index of a row's values.
type keyedIndex struct {
	col   string   // the digest column
	plain []string // plain columns the digest is made of, read with the row
	// digest is the index of the row, from its plain columns and its
	// opened sealed columns (by name).
	digest func(k *Keys, plain []string, opened map[string]string) string
}

// addressIndexOf is the keyed index of a contact's (or a suppression's)
// channel and address.
var addressIndexOf = &keyedIndex{col: "address_hash", plain: []string{"channel"},
	digest: func(k *Keys, plain []string, opened map[string]string) string {
		return k.addressIndex(plain[0], opened["address"])
	}}

// sealedTables lists every table with personal data sealed at rest, its
// sealed columns and its keyed index. Rotation is driven by this list
// alone, and sealing needs a column from it ([sealedColumn]); the
// no-plaintext test checks that every sealed value in the database is in
// a column listed here and that rotation leaves none under an old key.
var sealedTables = []sealedTable{
	{name: "contacts", key: "id", cols: []string{"address"}, index: addressIndexOf},
	{name: "conversations", key: "contact_id", cols: []string{"state"}, blob: true},
	{name: "messages", key: "id", cols: []string{"body"}},
	{name: "outbox", key: "id", cols: []string{"address", "body", "template"}},
	{name: "reports", key: "id", cols: []string{"narrative", "respondent_name", "contact_phone", "safe_times"}, index: respondentIndexOf},
	{name: "report_notes", key: "id", cols: []string{"body"}},
	{name: "discord_guilds", key: "guild_id", cols: []string{"updated_by"}},
	{name: "staff_totp", key: "staff_id", cols: []string{"secret"}, rowAAD: true},
	{name: "suppressions", key: "id", cols: []string{"address"}, aadTable: "contacts", index: addressIndexOf},
	{name: "audit_log", key: "id", cols: []string{"ip"}},
	{name: "staff", key: "id", cols: []string{"email", "name"}, index: staffEmailIndexOf},
	{name: "translation_edits", key: "id", cols: []string{"staff_name"}},
	{name: "media", key: "id", cols: []string{"source", "data"}, blob: true, batch: 4},
}

// sealedColumn returns the sealed column table.name. It panics (at
// package initialisation, where it is called) for a column that is not
// in sealedTables, so no sealed column can be left out of rotation.
func sealedColumn(table, name string) column {
	for _, t := range sealedTables {
		if t.name != table {
			continue
		}
		for _, c := range t.cols {
			if c == name {
				return t.column(c)
			}
		}
	}
	panic("store: " + table + "." + name + " is sealed but not listed in sealedTables, so `keys rotate` would miss it")
}

func (t sealedTable) column(name string) column {
	at := t.aadTable
	if at == "" {
		at = t.name
	}
	return column{aad: at + "." + name}
}

// SealedColumns lists every sealed column as "table.column", sorted: what
// `rightsline keys rotate` re-encrypts. Tests compare it with what they
// find sealed in a dump of every table.
func SealedColumns() []string {
	var out []string
	for _, t := range sealedTables {
		for _, c := range t.cols {
			out = append(out, t.name+"."+c)
		}
	}
	sort.Strings(out)
	return out
}

// IndexedColumns lists every column holding a keyed index, as
// "table.column", sorted: what `rightsline keys rotate` re-indexes.
func IndexedColumns() []string {
	var out []string
	for _, t := range sealedTables {
		if t.index != nil {
			out = append(out, t.name+"."+t.index.col)
		}
	}
	sort.Strings(out)
	return out
}

// RotateBatch is how many rows RotateKeys rewrites per transaction by
// default: small enough that a batch holds its row locks for milliseconds
// while the service runs.
const RotateBatch = 200

// RotateKeys re-encrypts, under the current data key, every row sealed
// with an older key or written before encryption, and recomputes, under
// the current index key, every keyed index made with an older one; batch
// rows per transaction (0 means RotateBatch), so the service keeps
// running. progress, if not nil, is called after each batch. It returns
// how many rows it rewrote per table. Every key the rows were sealed or
// indexed with must still be in the keyring; retire an old key only after
// a rotation that found nothing left under it.
func (s *Store) RotateKeys(ctx context.Context, batch int, progress func(table string, done int)) (map[string]int, error) {
	if batch <= 0 {
		batch = RotateBatch
	}
	done := map[string]int{}
	for _, t := range sealedTables {
		where := "key_id <> $1"
		if t.index != nil {
			where = "(key_id <> $1 OR index_key_id <> $3)"
		}
		b := batch
		if t.batch > 0 && t.batch < b {
			b = t.batch
		}
		n, err := s.resealTable(ctx, t, where, b, func(n int) {
			if progress != nil {
				progress(t.name, n)
			}
		})
		done[t.name] = n
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// sealLegacyContacts seals the contacts written before encryption and
// gives them their address index, so that lookups by address find them;
// likewise the staff written before their e-mail and name were sealed
// (migration 00095: found by their e-mail until then) and the signatures
// of translation edits. Open runs it; it costs one query a table when
// there are none. Several instances starting at once are safe: on
// Postgres each batch locks its rows and a row another instance sealed
// meanwhile no longer matches.
func (s *Store) sealLegacyContacts(ctx context.Context) error {
	// One query tells whether there is anything to seal (at every
	// start-up but the first after an upgrade, nothing): three
	// transactions, nine round trips on Postgres, otherwise.
	var found bool
	if err := s.db.QueryRowContext(ctx, legacyUnsealedSQL, s.keys.CurrentID(), s.keys.IndexID()).Scan(&found); err != nil {
		return fmt.Errorf("store: unsealed rows: %w", err)
	}
	if !found {
		return nil
	}
	for _, l := range []struct{ table, where string }{
		{"contacts", "address_hash IS NULL AND (key_id <> $1 OR index_key_id <> $3)"},
		{"staff", "email_hash IS NULL AND (key_id <> $1 OR index_key_id <> $3)"},
		{"translation_edits", "key_id = '' AND key_id <> $1"},
	} {
		if _, err := s.resealTable(ctx, tableOf(l.table), l.where, RotateBatch, nil); err != nil {
			return err
		}
	}
	return nil
}

// legacyUnsealedSQL is true when a row sealLegacyContacts seals exists
// ($1 the current key id, $2 the current index key id): its three
// conditions, in one query.
const legacyUnsealedSQL = `SELECT EXISTS (SELECT 1 FROM contacts WHERE address_hash IS NULL AND (key_id <> $1 OR index_key_id <> $2))
	OR EXISTS (SELECT 1 FROM staff WHERE email_hash IS NULL AND (key_id <> $1 OR index_key_id <> $2))
	OR EXISTS (SELECT 1 FROM translation_edits WHERE key_id = '' AND key_id <> $1)`

// tableOf returns the sealedTables entry of name.
func tableOf(name string) sealedTable {
	for _, t := range sealedTables {
		if t.name == name {
			return t
		}
	}
	panic("store: " + name + " is not in sealedTables")
}

// respondentIndexOf is reports.respondent_key, the keyed index of a
// report's normalised respondent name (Keys.RespondentKey).
var respondentIndexOf = &keyedIndex{col: "respondent_key",
	digest: func(k *Keys, _ []string, opened map[string]string) string {
		return k.RespondentKey(opened["respondent_name"])
	}}

// resealTable rewrites the rows of t matching where (with $1 bound to the
// current key id, $3 to the current index key id), in batches ordered by
// t.key. On Postgres each batch locks its rows (FOR UPDATE) before reading
// them, so a request that changes a row meanwhile (an erasure blanking a
// narrative) either commits first and is re-sealed as it left the row, or
// waits for the batch: rotation never writes back a value read before
// someone else's change. SQLite's write lock serialises the same way.
func (s *Store) resealTable(ctx context.Context, t sealedTable, where string, batch int, progress func(int)) (int, error) {
	cur, idxCur := s.keys.CurrentID(), s.keys.IndexID()
	var plain []string
	if t.index != nil {
		plain = t.index.plain
	}
	sel := "SELECT " + strings.Join(append(append([]string{t.key}, t.cols...), plain...), ", ") +
		" FROM " + t.name + " WHERE " + where + " AND " + t.key + " > $2 ORDER BY " + t.key + " LIMIT " + strconv.Itoa(batch)
	if s.dialect == Postgres {
		sel += " FOR UPDATE"
	}
	set := make([]string, 0, len(t.cols)+3)
	for i, c := range t.cols {
		set = append(set, fmt.Sprintf("%s = $%d", c, i+1))
	}
	set = append(set, fmt.Sprintf("key_id = $%d", len(set)+1))
	if t.index != nil {
		set = append(set, fmt.Sprintf("%s = $%d", t.index.col, len(set)+1), fmt.Sprintf("index_key_id = $%d", len(set)+2))
	}
	upd := "UPDATE " + t.name + " SET " + strings.Join(set, ", ") + " WHERE " + t.key + " = $" + strconv.Itoa(len(set)+1)
	var cursor any = int64(0)
	if t.key == "guild_id" {
		cursor = ""
	}
	total := 0
	for {
		n := 0
		err := s.InTx(ctx, func(tx *Tx) error {
			n = 0
			args := []any{cur, cursor}
			if t.index != nil {
				args = append(args, idxCur)
			}
			rows, err := tx.tx.QueryContext(ctx, sel, args...)
			if err != nil {
				return err
			}
			type row struct {
				key   any
				vals  [][]byte
				plain []string
			}
			var batchRows []row
			for rows.Next() {
				r := row{vals: make([][]byte, len(t.cols)), plain: make([]string, len(plain))}
				dest := []any{&r.key}
				for i := range t.cols {
					dest = append(dest, &r.vals[i])
				}
				for i := range plain {
					dest = append(dest, &r.plain[i])
				}
				if err := rows.Scan(dest...); err != nil {
					rows.Close()
					return err
				}
				batchRows = append(batchRows, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, r := range batchRows {
				args := make([]any, 0, len(set)+1)
				opened := map[string]string{}
				for i, name := range t.cols {
					c := t.column(name)
					if t.rowAAD {
						c = column{aad: c.aad + ":" + fmt.Sprint(r.key)}
					}
					p, err := s.keys.open(c, r.vals[i])
					if err != nil {
						return fmt.Errorf("store: rotate %s: %w", t.name, err)
					}
					opened[name] = string(p)
					if t.blob {
						args = append(args, s.keys.seal(c, p))
					} else {
						args = append(args, s.keys.sealString(c, string(p)))
					}
				}
				args = append(args, cur)
				if t.index != nil {
					args = append(args, t.index.digest(s.keys, r.plain, opened), idxCur)
				}
				args = append(args, r.key)
				if _, err := tx.tx.ExecContext(ctx, upd, args...); err != nil {
					return fmt.Errorf("store: rotate %s: %w", t.name, err)
				}
			}
			n = len(batchRows)
			if n > 0 {
				cursor = batchRows[n-1].key
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if progress != nil && n > 0 {
			progress(total)
		}
		if n < batch {
			return total, nil
		}
	}
}
