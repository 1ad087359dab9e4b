package store

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// A respondent is who a report is about: a landlord, an employer, a police
// unit. Its name is sealed like the narrative; to find every report about
// one respondent without a plaintext index, each report stores
// respondent_key, the keyed HMAC (Keys.Index) of the normalised name. Only
// equal normalised names have equal keys, and without the index key the
// keys reveal nothing.

//go:embed data/respondent_aliases.txt
var respondentAliasFile string

// respondentAliases maps a normalised alias to its normalised name.
var respondentAliases = parseRespondentAliases(respondentAliasFile)

// respondentKeyVersion names the normalisation (the code's rules and the
// alias list) the stored keys were made with: stored in store_meta, a
// change recomputes every key when the store opens.
var respondentKeyVersion = func() string {
	sum := sha256.Sum256([]byte("respondent-v1\n" + respondentAliasFile))
	return hex.EncodeToString(sum[:8])
}()

// respondentSuffixes are the endings that say what kind of body a name
// is, not which one: "Acme Property LLC" and "ACME Property, Inc." are one
// respondent.
var respondentSuffixes = map[string]bool{
	"llc": true, "l.l.c": true, "inc": true, "incorporated": true, "corp": true, "corporation": true,
	"co": true, "company": true, "ltd": true, "limited": true, "lp": true, "llp": true, "pllc": true,
	"pc": true, "plc": true, "lc": true,
}

// NormalizeRespondent reduces a respondent's name to the form reports are
// matched by: lower case, accents and punctuation gone, "&" read as
// "and", a leading "the" and company-form endings (LLC, Inc, Corp, Co,
// Ltd, LP …) dropped, spaces collapsed, and a known alias
// (data/respondent_aliases.txt) replaced by its name. "" for a name that
// is only punctuation or endings.
func NormalizeRespondent(name string) string {
	n := normalizeName(name)
	if canon, ok := respondentAliases[n]; ok {
		return canon
	}
	return n
}

// normalizeName is NormalizeRespondent without the aliases.
func normalizeName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r == '&' || r == '+':
			b.WriteString(" and ")
		case r == '\'' || r == '’' || r == '.':
			// "O'Brien" is "obrien", "L.L.C." is "llc".
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(foldAccent(r))
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	if len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	for len(words) > 0 && respondentSuffixes[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}

// foldAccent maps the Latin letters with accents residents type most
// (Spanish, French, Vietnamese) to their base letter; anything else is
// kept, so names in Chinese, Korean or Amharic match as written.
func foldAccent(r rune) rune {
	if r < 0xC0 || r > 0x1EF9 {
		return r
	}
	if base, ok := accentBase[r]; ok {
		return base
	}
	return r
}

var accentBase = func() map[rune]rune {
	m := map[rune]rune{}
	for base, forms := range map[rune]string{
		'a': "àáâãäåāăąǎạảấầẩẫậắằẳẵặ", 'c': "çćĉċč", 'd': "ďđ", 'e': "èéêëēĕėęěẹẻẽếềểễệ",
		'i': "ìíîïĩīĭįıǐỉị", 'n': "ñńņňŉ", 'o': "òóôõöøōŏőǒơọỏốồổỗộớờởỡợ",
		'u': "ùúûüũūŭůűųǔưụủứừửữự", 'y': "ýÿŷỳỵỷỹ", 'z': "źżž", 's': "śŝşš", 'g': "ĝğġģ", 'l': "ĺļľŀł", 'r': "ŕŗř", 't': "ţťŧ",
	} {
		for _, f := range forms {
			m[f] = base
		}
	}
	return m
}()

// parseRespondentAliases reads "alias => name" lines.
func parseRespondentAliases(text string) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		alias, name, ok := strings.Cut(line, "=>")
		if !ok {
			panic("store: respondent_aliases.txt: line without =>: " + line)
		}
		a, n := normalizeName(alias), normalizeName(name)
		if a == "" || n == "" {
			panic("store: respondent_aliases.txt: empty side: " + line)
		}
		out[a] = n
	}
	return out
}

// RespondentKey is the respondent_key of a report naming name: the keyed
// index of its normalised form, or "" when nothing is left of it.
func (k *Keys) RespondentKey(name string) string {
	n := NormalizeRespondent(name)
	if n == "" {
		return ""
	}
	return k.Index("respondent", n)
}

// RespondentKey is Keys.RespondentKey with the store's keyring: what to
// search the queue for (QueueFilter.RespondentKey) by a typed name.
func (s *Store) RespondentKey(name string) string { return s.keys.RespondentKey(name) }

// respondentKeyBatch is how many reports one backfill step keys.
const respondentKeyBatch = 500

// KeyRespondents computes respondent_key for every report that has none
// yet (written before keys existed, or bulk-loaded), and for every report
// when the normalisation changed since the keys were made. Open runs it;
// it costs two queries when there is nothing to do. It returns how many
// reports it keyed.
func (s *Store) KeyRespondents(ctx context.Context) (int, error) {
	var version string
	err := s.queryRow(ctx, "StoreMetaGet", "respondent_key_version").Scan(&version)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: respondent keys: %w", err)
	}
	if version != respondentKeyVersion {
		if _, err := s.exec(ctx, "ResetRespondentKeys"); err != nil {
			return 0, fmt.Errorf("store: respondent keys: %w", err)
		}
	}
	total := 0
	var after int64
	for {
		n, last, err := s.keyRespondentBatch(ctx, after)
		if err != nil {
			return total, err
		}
		total += n
		if n < respondentKeyBatch {
			break
		}
		after = last
	}
	if version != respondentKeyVersion {
		if _, err := s.exec(ctx, "StoreMetaSet", "respondent_key_version", respondentKeyVersion); err != nil {
			return total, fmt.Errorf("store: respondent keys: %w", err)
		}
	}
	return total, nil
}

// keyRespondentBatch keys up to respondentKeyBatch unkeyed reports after
// id after, in one transaction.
func (s *Store) keyRespondentBatch(ctx context.Context, after int64) (n int, last int64, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		n, last = 0, after
		rows, err := tx.tx.QueryContext(ctx, query(s.dialect, "UnkeyedRespondents"), after, respondentKeyBatch)
		if err != nil {
			return err
		}
		type row struct {
			id   int64
			name string
		}
		var batch []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.name); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range batch {
			name, err := s.keys.openString(colReportRespondent, r.name)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, "SetRespondentKey", r.id, s.keys.RespondentKey(name), s.keys.IndexID()); err != nil {
				return err
			}
			n, last = n+1, r.id
		}
		return nil
	})
	if err != nil {
		return 0, after, fmt.Errorf("store: respondent keys: %w", err)
	}
	return n, last, nil
}
