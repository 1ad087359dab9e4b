package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Encryption at rest. Every personal field (addresses, message bodies,
// conversation state, narratives, respondent names, contact phones, safe
// times, staff notes, Discord user ids) is sealed with AES-256-GCM before it
// is written and opened after it is read, inside this package; callers see
// plain values. A sealed value is text:
//
//	rl1.<key id>.<base64(nonce ‖ ciphertext ‖ tag)>
//
// with the table and column as additional data, so a value copied into
// another column does not open. Each row also records the id of the key its
// values were sealed with (key_id), which is how `rightsline keys rotate`
// finds rows to re-encrypt. "" is stored as "" (only emptiness shows), and a
// value without the rl1 prefix is read as written before encryption (key_id
// '') until rotation seals it.
//
// Lookups by address use a keyed index: HMAC-SHA256 under the index key of
// the channel and the address ([Keys.Index]), never the address itself.
// Each indexed row records the id of its index key (index_key_id): an
// index key can be rotated like a data key (rotate.go).

// sealPrefix starts every sealed value.
const sealPrefix = "rl1."

// Keys is a keyring: the data keys by id, the current one (which seals),
// and the index keys by id, the current one (which indexes) first. It is
// safe for concurrent use.
type Keys struct {
	current string
	aeads   map[string]cipher.AEAD
	// indexIDs lists the index keys, current first; indexes holds them.
	indexIDs []string
	indexes  map[string][]byte
	index    []byte // the current index key
}

// keyLen is the length of every key: AES-256 and a 256-bit HMAC key.
const keyLen = 32

// indexName is the entry of the index key in a keyring, and the prefix
// of every index key's id: "index", "index-2027", "index2" are index keys.
const indexName = "index"

// isIndexID reports whether a keyring entry's id names an index key.
func isIndexID(id string) bool { return strings.HasPrefix(id, indexName) }

// ParseKeys reads a keyring:
//
//	index-2:<base64 of 32 bytes>    index keys (ids starting "index"): the first listed
//	index:<base64 of 32 bytes>      indexes; older ones still find rows until re-indexed
//	k2:<base64 of 32 bytes>         data keys: the first listed is current
//	k1:<base64 of 32 bytes>         older keys, still read until rotated away
//
// Entries are separated by newlines, commas or spaces; "#" starts a comment
// that runs to the end of the line. A key id is 1–16 letters, digits or
// dashes. Errors never contain key material.
func ParseKeys(text string) (*Keys, error) {
	k := &Keys{aeads: map[string]cipher.AEAD{}, indexes: map[string][]byte{}}
	var lines []string
	for _, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		lines = append(lines, strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' })...)
	}
	for _, entry := range lines {
		id, b64, ok := strings.Cut(entry, ":")
		if !ok {
			return nil, errors.New("store: keyring entry without \"id:\" (want index:<base64> and <id>:<base64>)")
		}
		if !validKeyID(id) {
			return nil, fmt.Errorf("store: keyring: bad key id %q (1-16 letters, digits, dashes)", id)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(raw) != keyLen {
			return nil, fmt.Errorf("store: keyring: key %q is not base64 of %d bytes", id, keyLen)
		}
		if isIndexID(id) {
			if _, dup := k.indexes[id]; dup {
				return nil, fmt.Errorf("store: keyring: index key id %q twice", id)
			}
			k.indexes[id] = raw
			k.indexIDs = append(k.indexIDs, id)
			if k.index == nil {
				k.index = raw
			}
			continue
		}
		if _, dup := k.aeads[id]; dup {
			return nil, fmt.Errorf("store: keyring: key id %q twice", id)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		k.aeads[id] = aead
		if k.current == "" {
			k.current = id
		}
	}
	if k.index == nil || k.current == "" {
		return nil, errors.New("store: keyring needs an index key and at least one data key (generate one with `rightsline keys new`)")
	}
	return k, nil
}

func validKeyID(id string) bool {
	if id == "" || len(id) > 16 {
		return false
	}
	for _, r := range id {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// NewKeyring returns the text of a new keyring: a random index key and one
// random data key with the given id.
func NewKeyring(dataKeyID string) (string, error) {
	data, err := NewDataKey(dataKeyID)
	if err != nil {
		return "", err
	}
	idx, err := newKeyEntry(indexName)
	if err != nil {
		return "", err
	}
	return "# Rightsline keyring. Keep it secret and backed up: without it the database cannot be read.\n" +
		"# The first data key seals new values; older ones below it are still read (see `rightsline keys rotate`).\n" +
		idx + "\n" + data + "\n", nil
}

// NewDataKey returns a keyring entry "<id>:<base64>" with a random key.
func NewDataKey(id string) (string, error) {
	if !validKeyID(id) || isIndexID(id) {
		return "", fmt.Errorf("store: bad key id %q (1-16 letters, digits, dashes; not starting with %q)", id, indexName)
	}
	return newKeyEntry(id)
}

// NewIndexKey returns a keyring entry "<id>:<base64>" with a random index
// key; id must start with "index" (e.g. "index-2027").
func NewIndexKey(id string) (string, error) {
	if !validKeyID(id) || !isIndexID(id) {
		return "", fmt.Errorf("store: bad index key id %q (1-16 letters, digits, dashes, starting with %q)", id, indexName)
	}
	return newKeyEntry(id)
}

func newKeyEntry(id string) (string, error) {
	raw := make([]byte, keyLen)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return id + ":" + base64.StdEncoding.EncodeToString(raw), nil
}

// EphemeralKeys returns a random keyring that exists only in memory: what
// it seals cannot be read after the process ends. For tests and tools.
func EphemeralKeys() *Keys {
	text, err := NewKeyring("ephemeral")
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	k, err := ParseKeys(text)
	if err != nil {
		panic(err)
	}
	return k
}

// CurrentID is the id of the key that seals new values.
func (k *Keys) CurrentID() string { return k.current }

// IndexID is the id of the index key that indexes new rows.
func (k *Keys) IndexID() string { return k.indexIDs[0] }

// olderIndexes returns the digests of parts under the keyring's older
// index keys, newest first: rows indexed before an index rotation are
// still found by them until `rightsline keys rotate` re-indexes them.
func (k *Keys) olderIndexes(parts ...string) []string {
	if len(k.indexIDs) < 2 {
		return nil
	}
	out := make([]string, 0, len(k.indexIDs)-1)
	for _, id := range k.indexIDs[1:] {
		out = append(out, indexWith(k.indexes[id], parts))
	}
	return out
}

// has reports whether the keyring holds the data key id.
func (k *Keys) has(id string) bool { _, ok := k.aeads[id]; return ok }

// lookupIndexes returns the digests to look a row up by without a lock:
// the current one alone, or during an index rotation the older ones first
// and the current one last. Rotation only moves a row from an older digest
// to the current one, so a reader that tries them in this order cannot miss
// a row that is re-indexed between its queries.
func (k *Keys) lookupIndexes(parts ...string) []string {
	cur := k.Index(parts...)
	old := k.olderIndexes(parts...)
	if len(old) == 0 {
		return []string{cur}
	}
	return append(old, cur)
}

// Index is the keyed index of a value: hex HMAC-SHA256 under the index key
// of the parts, each length-prefixed so ("ab","c") and ("a","bc") differ.
// The first part names the index (e.g. "contact"), so one value indexed for
// two purposes gives two unrelated digests. Lookups by address use it; a
// normalised respondent-name index can use it the same way.
func (k *Keys) Index(parts ...string) string { return indexWith(k.index, parts) }

func indexWith(key []byte, parts []string) string {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		fmt.Fprintf(m, "%d:", len(p))
		m.Write([]byte(p))
	}
	return hex.EncodeToString(m.Sum(nil))
}

// seal encrypts plain for the column c under the current key.
func (k *Keys) seal(c column, plain []byte) []byte {
	aad := c.aad
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand does not fail
	}
	ct := aead.Seal(nonce, nonce, plain, []byte(aad))
	out := make([]byte, 0, len(sealPrefix)+len(k.current)+1+base64.StdEncoding.EncodedLen(len(ct)))
	out = append(out, sealPrefix...)
	out = append(out, k.current...)
	out = append(out, '.')
	return base64.StdEncoding.AppendEncode(out, ct)
}

// ErrUnknownKey is returned for a value sealed with a key the keyring does
// not hold.
var ErrUnknownKey = errors.New("store: value sealed with a key that is not in the keyring (add the old key back below the current one)")

// open decrypts a value written by seal; a value without the prefix was
// written before encryption and is returned as is.
func (k *Keys) open(c column, v []byte) ([]byte, error) {
	aad := c.aad
	if len(v) < len(sealPrefix) || string(v[:len(sealPrefix)]) != sealPrefix {
		return v, nil
	}
	rest := v[len(sealPrefix):]
	dot := -1
	for i, c := range rest {
		if c == '.' {
			dot = i
			break
		}
	}
	if dot < 0 {
		return nil, errors.New("store: malformed sealed value")
	}
	aead, ok := k.aeads[string(rest[:dot])]
	if !ok {
		return nil, ErrUnknownKey
	}
	ct, err := base64.StdEncoding.AppendDecode(nil, rest[dot+1:])
	if err != nil || len(ct) < aead.NonceSize()+aead.Overhead() {
		return nil, errors.New("store: malformed sealed value")
	}
	plain, err := aead.Open(nil, ct[:aead.NonceSize()], ct[aead.NonceSize():], []byte(aad))
	if err != nil {
		return nil, fmt.Errorf("store: sealed value of %s does not open (wrong key or tampered)", aad)
	}
	return plain, nil
}

// sealString seals a text value; "" stays "".
func (k *Keys) sealString(c column, s string) string {
	if s == "" {
		return ""
	}
	return string(k.seal(c, []byte(s)))
}

// openString opens a text value sealed by sealString.
func (k *Keys) openString(c column, s string) (string, error) {
	if s == "" || !strings.HasPrefix(s, sealPrefix) {
		return s, nil
	}
	b, err := k.open(c, []byte(s))
	return string(b), err
}

// SealBytes seals plain under the current data key for a purpose named
// by aad, for personal data kept outside the database: the inbound spool
// (bot/spool) writes webhooks the database could not take to local files.
// The result opens with OpenBytes and the same aad, with any key of the
// ring: keep a retired key listed until the spools are empty (rotation
// re-seals the database, not files).
func (k *Keys) SealBytes(aad string, plain []byte) []byte { return k.seal(fileColumn(aad), plain) }

// OpenBytes opens a value sealed by SealBytes with the same aad. Unlike a
// column, which may hold a value written before encryption, a value that
// is not sealed is refused.
func (k *Keys) OpenBytes(aad string, sealed []byte) ([]byte, error) {
	if !strings.HasPrefix(string(sealed), sealPrefix) {
		return nil, errors.New("store: not a sealed value")
	}
	return k.open(fileColumn(aad), sealed)
}
