package flows

import (
	"time"
	"unicode/utf8"

	jsonv1 "github.com/go-json-experiment/json/v1"
)

// A conversation is saved after every message and read before the next,
// as JSON. EncodeState writes exactly what encoding/json's Marshal writes
// (TestEncodeStateIsMarshal holds it to that, byte for byte) without its
// reflection: a few appends into one buffer. DecodeState reads what
// EncodeState writes by hand too (state_decode.go: its names, strings
// sliced from one copy of the buffer) and hands anything else to
// go-json-experiment's implementation of encoding/json's Unmarshal (its
// v1 package: the same rules, case-insensitive names, unknown fields
// ignored, invalid UTF-8 replaced), so every state already in a database
// reads as before (TestDecodeStateIsUnmarshal, FuzzDecodeState).

// EncodeState returns conv as JSON, as json.Marshal(conv) would.
func EncodeState(conv Conversation) ([]byte, error) {
	b := make([]byte, 0, 256)
	b = append(b, '{')
	first := true
	field := func(name string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
	}
	str := func(name, v string) {
		if v != "" {
			field(name)
			b = appendJSONString(b, v)
		}
	}
	list := func(name string, vs []string) {
		if len(vs) > 0 {
			field(name)
			b = appendJSONStrings(b, vs)
		}
	}
	boolean := func(name string, v bool) {
		if v {
			field(name)
			b = append(b, "true"...)
		}
	}
	var err error
	str("lang", string(conv.Lang))
	str("state", conv.State)
	if len(conv.Vars) > 0 {
		field("vars")
		b = appendJSONMap(b, conv.Vars)
	}
	list("back", conv.Back)
	str("last_answer", conv.LastAnswer)
	field("last_active") // a struct: omitempty never omits it
	if b, err = appendJSONTime(b, conv.LastActive); err != nil {
		return nil, err
	}
	list("pending", conv.Pending)
	boolean("disclaimer_shown", conv.DisclaimerShown)
	list("suggest", conv.Suggest)
	boolean("welcomed", conv.Welcomed)
	field("turns")
	b = appendInt(b, conv.Turns)
	if d := conv.Draft; d != nil {
		field("draft")
		b = append(b, `{"state":`...)
		b = appendJSONString(b, d.State)
		if len(d.Vars) > 0 {
			b = append(b, `,"vars":`...)
			b = appendJSONMap(b, d.Vars)
		}
		if len(d.Back) > 0 {
			b = append(b, `,"back":`...)
			b = appendJSONStrings(b, d.Back)
		}
		b = append(b, `,"at":`...)
		if b, err = appendJSONTime(b, d.At); err != nil {
			return nil, err
		}
		if d.Pending != "" {
			b = append(b, `,"pending":`...)
			b = appendJSONString(b, d.Pending)
		}
		b = append(b, '}')
	}
	str("return", conv.Return)
	str("held", conv.Held)
	b = append(b, '}')
	return b, nil
}

// DecodeState reads a saved conversation, as json.Unmarshal would: what
// EncodeState writes by hand (decodeStateFast), anything else (states
// from older versions with other names, odd input) with encoding/json's
// rules.
func DecodeState(buf []byte, conv *Conversation) error {
	if conv.isZero() && decodeStateFast(buf, conv) {
		return nil
	}
	return jsonv1.Unmarshal(buf, conv)
}

// isZero reports whether c is the zero Conversation (Unmarshal into
// another keeps what the JSON does not name, which the fast path does
// not do).
func (c *Conversation) isZero() bool {
	return c.Lang == "" && c.State == "" && c.Vars == nil && c.Back == nil && c.LastAnswer == "" &&
		c.LastActive == (time.Time{}) && c.Pending == nil && !c.DisclaimerShown && c.Suggest == nil &&
		!c.Welcomed && c.Turns == 0 && c.Draft == nil && c.Return == "" && c.Held == ""
}

func appendInt(b []byte, n int) []byte {
	if n < 0 {
		b = append(b, '-')
		u := uint64(-int64(n))
		return appendUint(b, u)
	}
	return appendUint(b, uint64(n))
}

func appendUint(b []byte, u uint64) []byte {
	var d [20]byte
	i := len(d)
	for {
		i--
		d[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	return append(b, d[i:]...)
}

// appendJSONTime appends t as time.Time.MarshalJSON does (RFC 3339 with
// nanoseconds, quoted), with its error for a time it cannot write.
func appendJSONTime(b []byte, t time.Time) ([]byte, error) {
	b = append(b, '"')
	b, err := t.AppendText(b)
	if err != nil {
		_, err = t.MarshalJSON() // its error, word for word
		return nil, err
	}
	return append(b, '"'), nil
}

func appendJSONStrings(b []byte, vs []string) []byte {
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, v)
	}
	return append(b, ']')
}

// appendJSONMap appends m with its keys sorted, as encoding/json does
// (the maps hold a few entries: an insertion sort, without allocating
// for up to 16 of them).
func appendJSONMap(b []byte, m map[string]string) []byte {
	var arr [16]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
		for i := len(keys) - 1; i > 0 && keys[i] < keys[i-1]; i-- {
			keys[i], keys[i-1] = keys[i-1], keys[i]
		}
	}
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, m[k])
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json writes a string (with
// its HTML escaping): quote and backslash escaped, control characters as
// \b \f \n \r \t or \u00XX, <, > and & as \u003c \u003e \u0026, U+2028 and
// U+2029 as \u2028 \u2029, and each invalid UTF-8 byte as \ufffd.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
