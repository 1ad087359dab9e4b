package flows

import (
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/rightsline/rightsline/locales"
)

// decodeStateFast reads what EncodeState writes (and the whitespace
// encoding/json allows between tokens) into conv, which must be zero, and
// reports whether it could. Anything else (a name not spelt as EncodeState
// spells it, a name twice, null, a number that is not a plain int, a
// string with invalid UTF-8 or a lone surrogate, trailing data) makes it
// give up without touching conv, and DecodeState then reads the state
// with encoding/json's rules. So the result is always Unmarshal's.
func decodeStateFast(buf []byte, conv *Conversation) bool {
	// The strings read are slices of one copy of buf: one allocation
	// instead of one a string.
	d := stateDecoder{buf: buf, s: string(buf)}
	var c Conversation
	var seen uint32
	ok := d.object(func(name string) bool {
		bit, known := convFields[name]
		if !known || seen&bit != 0 {
			return false
		}
		seen |= bit
		switch name {
		case "lang":
			s, ok := d.str()
			c.Lang = locales.Lang(s)
			return ok
		case "state":
			return d.strTo(&c.State)
		case "vars":
			return d.strMap(&c.Vars)
		case "back":
			return d.strList(&c.Back)
		case "last_answer":
			return d.strTo(&c.LastAnswer)
		case "last_active":
			return d.time(&c.LastActive)
		case "pending":
			return d.strList(&c.Pending)
		case "disclaimer_shown":
			return d.boolean(&c.DisclaimerShown)
		case "suggest":
			return d.strList(&c.Suggest)
		case "welcomed":
			return d.boolean(&c.Welcomed)
		case "turns":
			return d.integer(&c.Turns)
		case "draft":
			c.Draft = &Draft{}
			return d.draft(c.Draft)
		case "return":
			return d.strTo(&c.Return)
		case "held":
			return d.strTo(&c.Held)
		}
		return false
	})
	if !ok {
		return false
	}
	d.space()
	if d.i != len(d.buf) {
		return false
	}
	*conv = c
	return true
}

// convFields are the names EncodeState writes, each with its bit.
var convFields = map[string]uint32{
	"lang": 1 << 0, "state": 1 << 1, "vars": 1 << 2, "back": 1 << 3, "last_answer": 1 << 4,
	"last_active": 1 << 5, "pending": 1 << 6, "disclaimer_shown": 1 << 7, "suggest": 1 << 8,
	"welcomed": 1 << 9, "turns": 1 << 10, "draft": 1 << 11, "return": 1 << 12, "held": 1 << 13,
}

type stateDecoder struct {
	buf []byte
	s   string // buf as a string
	i   int
}

func (d *stateDecoder) space() {
	for d.i < len(d.buf) {
		switch d.buf[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// byte consumes c after optional whitespace.
func (d *stateDecoder) byte(c byte) bool {
	d.space()
	if d.i < len(d.buf) && d.buf[d.i] == c {
		d.i++
		return true
	}
	return false
}

// peek is the next byte after whitespace, 0 at the end.
func (d *stateDecoder) peek() byte {
	d.space()
	if d.i < len(d.buf) {
		return d.buf[d.i]
	}
	return 0
}

// object reads {"name": value, …}, calling field for each name with the
// decoder positioned at its value.
func (d *stateDecoder) object(field func(name string) bool) bool {
	if !d.byte('{') {
		return false
	}
	if d.byte('}') {
		return true
	}
	for {
		name, ok := d.rawName()
		if !ok || !d.byte(':') || !field(name) {
			return false
		}
		if d.byte('}') {
			return true
		}
		if !d.byte(',') {
			return false
		}
	}
}

// rawName reads a name without escapes, in valid UTF-8 (every name
// EncodeState writes).
func (d *stateDecoder) rawName() (string, bool) {
	if !d.byte('"') {
		return "", false
	}
	start := d.i
	for d.i < len(d.buf) {
		switch c := d.buf[d.i]; {
		case c == '"':
			end := d.i
			d.i++
			return d.s[start:end], utf8.Valid(d.buf[start:end])
		case c == '\\' || c < 0x20:
			return "", false
		}
		d.i++
	}
	return "", false
}

func (d *stateDecoder) strTo(dst *string) bool {
	s, ok := d.str()
	*dst = s
	return ok
}

// str reads a string value.
func (d *stateDecoder) str() (string, bool) {
	if !d.byte('"') {
		return "", false
	}
	start := d.i
	ascii := true
	for d.i < len(d.buf) {
		c := d.buf[d.i]
		switch {
		case c == '"':
			end := d.i
			d.i++
			if !ascii && !utf8.Valid(d.buf[start:end]) {
				return "", false
			}
			return d.s[start:end], true
		case c == '\\':
			return d.escaped(start)
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
		d.i++
	}
	return "", false
}

// escaped finishes a string that holds escapes, from its start.
func (d *stateDecoder) escaped(start int) (string, bool) {
	out := make([]byte, 0, d.i-start+16)
	out = append(out, d.buf[start:d.i]...)
	for d.i < len(d.buf) {
		c := d.buf[d.i]
		switch {
		case c == '"':
			d.i++
			if !utf8.Valid(out) {
				return "", false
			}
			return string(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.buf) {
			return "", false
		}
		e := d.buf[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				// Only a proper pair; a lone half is left to encoding/json.
				if d.i+1 >= len(d.buf) || d.buf[d.i] != '\\' || d.buf[d.i+1] != 'u' {
					return "", false
				}
				d.i += 2
				r2, ok := d.hex4()
				if !ok {
					return "", false
				}
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return "", false
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", false
		}
	}
	return "", false
}

func (d *stateDecoder) hex4() (rune, bool) {
	if d.i+4 > len(d.buf) {
		return 0, false
	}
	var r rune
	for _, c := range d.buf[d.i : d.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.i += 4
	return r, true
}

// strList reads an array of strings.
func (d *stateDecoder) strList(dst *[]string) bool {
	if !d.byte('[') {
		return false
	}
	out := make([]string, 0, 4)
	if d.byte(']') {
		*dst = out
		return true
	}
	for {
		s, ok := d.str()
		if !ok {
			return false
		}
		out = append(out, s)
		if d.byte(']') {
			*dst = out
			return true
		}
		if !d.byte(',') {
			return false
		}
	}
}

// strMap reads an object of strings (a name twice: the last one, as
// encoding/json).
func (d *stateDecoder) strMap(dst *map[string]string) bool {
	m := map[string]string{}
	ok := d.object(func(name string) bool {
		v, ok := d.str()
		m[name] = v
		return ok
	})
	if ok {
		*dst = m
	}
	return ok
}

func (d *stateDecoder) boolean(dst *bool) bool {
	d.space()
	rest := d.buf[d.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		*dst, d.i = true, d.i+4
	case len(rest) >= 5 && string(rest[:5]) == "false":
		*dst, d.i = false, d.i+5
	default:
		return false
	}
	return true
}

// integer reads a plain int (a fraction, an exponent or more than 18
// digits is left to encoding/json).
func (d *stateDecoder) integer(dst *int) bool {
	d.space()
	neg := false
	if d.i < len(d.buf) && d.buf[d.i] == '-' {
		neg = true
		d.i++
	}
	start, n := d.i, 0
	for d.i < len(d.buf) && '0' <= d.buf[d.i] && d.buf[d.i] <= '9' {
		n = n*10 + int(d.buf[d.i]-'0')
		d.i++
	}
	digits := d.i - start
	if digits == 0 || digits > 18 || (digits > 1 && d.buf[start] == '0') {
		return false
	}
	if d.i < len(d.buf) {
		if c := d.buf[d.i]; c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	if neg {
		n = -n
	}
	*dst = n
	return true
}

// time reads a time as time.Time's UnmarshalJSON does.
func (d *stateDecoder) time(dst *time.Time) bool {
	d.space()
	start := d.i
	if _, ok := d.str(); !ok {
		return false
	}
	return dst.UnmarshalJSON(d.buf[start:d.i]) == nil
}

func (d *stateDecoder) draft(dr *Draft) bool {
	var seen uint8
	return d.object(func(name string) bool {
		var bit uint8
		switch name {
		case "state":
			bit = 1
		case "vars":
			bit = 2
		case "back":
			bit = 4
		case "at":
			bit = 8
		case "pending":
			bit = 16
		default:
			return false
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		switch bit {
		case 1:
			return d.strTo(&dr.State)
		case 2:
			return d.strMap(&dr.Vars)
		case 4:
			return d.strList(&dr.Back)
		case 8:
			return d.time(&dr.At)
		default:
			return d.strTo(&dr.Pending)
		}
	})
}
