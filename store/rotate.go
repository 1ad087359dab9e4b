package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// sealedTable is a table with sealed columns, for rotation.
type sealedTable struct {
	name string
	key  string   // the column that identifies a row (and orders the batches)
	cols []string // the sealed columns
	blob bool     // the sealed columns are BYTEA/BLOB
}

// sealedTables lists every table with personal data sealed at rest, and
// its sealed columns. The no-plaintext test checks the list is complete
// by scanning every table.
var sealedTables = []sealedTable{
	{name: "contacts", key: "id", cols: []string{"address"}},
	{name: "conversations", key: "contact_id", cols: []string{"state"}, blob: true},
	{name: "messages", key: "id", cols: []string{"body"}},
	{name: "outbox", key: "id", cols: []string{"address", "body"}},
	{name: "reports", key: "id", cols: []string{"narrative", "respondent_name", "contact_phone", "safe_times"}},
	{name: "report_notes", key: "id", cols: []string{"body"}},
	{name: "discord_guilds", key: "guild_id", cols: []string{"updated_by"}},
}

// RotateBatch is how many rows RotateKeys rewrites per transaction by
// default: small enough that a batch holds its row locks for milliseconds
// while the service runs.
const RotateBatch = 200

// RotateKeys re-encrypts, under the current key, every row sealed with an
// older key or written before encryption, batch rows per transaction (0
// means RotateBatch), so the service keeps running: a row a live request
// rewrites meanwhile is already sealed with the current key and is left
// alone. progress, if not nil, is called after each batch. It returns how
// many rows it rewrote per table. Every key the rows were sealed with must
// still be in the keyring; retire an old key only after a rotation that
// found nothing left under it.
func (s *Store) RotateKeys(ctx context.Context, batch int, progress func(table string, done int)) (map[string]int, error) {
	if batch <= 0 {
		batch = RotateBatch
	}
	done := map[string]int{}
	for _, t := range sealedTables {
		n, err := s.resealTable(ctx, t, "key_id <> $1", batch, func(n int) {
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
// gives them their address index, so that lookups by address find them.
// Open runs it; it costs one query when there are none.
func (s *Store) sealLegacyContacts(ctx context.Context) error {
	_, err := s.resealTable(ctx, sealedTables[0], "address_hash IS NULL AND key_id <> $1", RotateBatch, nil)
	return err
}

// resealTable rewrites the rows of t matching where (with $1 bound to the
// current key id), in batches ordered by t.key.
func (s *Store) resealTable(ctx context.Context, t sealedTable, where string, batch int, progress func(int)) (int, error) {
	cur := s.keys.CurrentID()
	sel := "SELECT " + t.key + ", " + strings.Join(t.cols, ", ")
	if t.name == "contacts" {
		sel += ", channel"
	}
	sel += " FROM " + t.name + " WHERE " + where + " AND " + t.key + " > $2 ORDER BY " + t.key + " LIMIT " + strconv.Itoa(batch)
	set := make([]string, 0, len(t.cols)+2)
	for i, c := range t.cols {
		set = append(set, fmt.Sprintf("%s = $%d", c, i+1))
	}
	set = append(set, fmt.Sprintf("key_id = $%d", len(t.cols)+1))
	if t.name == "contacts" {
		set = append(set, fmt.Sprintf("address_hash = $%d", len(t.cols)+2))
	}
	// A row a live request rewrote since the SELECT is sealed with the
	// current key already: the key_id condition leaves it alone (Postgres
	// re-checks it against the committed row).
	upd := "UPDATE " + t.name + " SET " + strings.Join(set, ", ") + " WHERE " + t.key + " = $" + strconv.Itoa(len(set)+1) +
		" AND key_id <> $" + strconv.Itoa(len(set)+2)
	var cursor any = int64(0)
	if t.key == "guild_id" {
		cursor = ""
	}
	total := 0
	for {
		n := 0
		err := s.InTx(ctx, func(tx *Tx) error {
			n = 0
			rows, err := tx.tx.QueryContext(ctx, sel, cur, cursor)
			if err != nil {
				return err
			}
			type row struct {
				key  any
				vals [][]byte
				ch   string
			}
			var batchRows []row
			for rows.Next() {
				r := row{vals: make([][]byte, len(t.cols))}
				dest := []any{&r.key}
				for i := range t.cols {
					dest = append(dest, &r.vals[i])
				}
				if t.name == "contacts" {
					dest = append(dest, &r.ch)
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
				args := make([]any, 0, len(t.cols)+3)
				var address string
				for i, c := range t.cols {
					aad := t.name + "." + c
					plain, err := s.keys.open(aad, r.vals[i])
					if err != nil {
						return fmt.Errorf("store: rotate %s: %w", t.name, err)
					}
					if c == "address" {
						address = string(plain)
					}
					if t.blob {
						args = append(args, s.keys.seal(aad, plain))
					} else {
						args = append(args, s.keys.sealString(aad, string(plain)))
					}
				}
				args = append(args, cur)
				if t.name == "contacts" {
					args = append(args, s.keys.Index("contact", r.ch, address))
				}
				args = append(args, r.key, cur)
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
