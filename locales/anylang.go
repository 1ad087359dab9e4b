package locales

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxAnyLangKeyword is the longest text, folded, that AnyLangKeyword
// compares: keyword words are short, and a longer message is never one.
const MaxAnyLangKeyword = 40

// anyLangIndex is every word of one keyword list in every language of the
// catalog, folded, as AnyLangKeyword compares them, and the overlay of
// edits it was built under: ApplyEdits swaps the overlay, so an index
// built before an edit is noticed as stale and built again.
type anyLangIndex struct {
	over  *overlay
	words map[string]struct{}
	max   int // length of the longest word, at most MaxAnyLangKeyword
}

// AnyLangKeyword reports whether text is a word of keyword list id in
// any of the catalog's languages (Keywords of each of Langs), ignoring
// case, inner runs of white space and the closing punctuation and spaces
// after it (".!?。！？"). Translators' edits in force apply, as they do to
// Keywords. A text longer folded than the list's longest word, or than
// MaxAnyLangKeyword, is none, and costs no folding beyond that length.
//
// It is what the runtime's interceptors ask of every message: one map
// lookup of a text folded on the stack, rather than a Keywords call (a
// lookup, an overlay lookup and a cache load) per language.
func (c *Catalog) AnyLangKeyword(id, text string) bool {
	idx := c.anyLangIndex(id)
	if len(idx.words) == 0 {
		return false
	}
	text = strings.TrimRightFunc(strings.TrimLeftFunc(text, unicode.IsSpace), trailingNoise)
	var buf [MaxAnyLangKeyword + 1 + utf8.UTFMax]byte // room for what foldWithin may write past its limit
	f, ok := foldWithin(buf[:0], text, idx.max)
	if !ok || len(f) == 0 {
		return false
	}
	_, ok = idx.words[string(f)]
	return ok
}

// trailingNoise is what AnyLangKeyword drops from the end of a text: white
// space and closing punctuation.
func trailingNoise(r rune) bool {
	switch r {
	case '.', '!', '?', '。', '！', '？':
		return true
	}
	return unicode.IsSpace(r)
}

// anyLangIndex returns the index of list id under the edits in force.
func (c *Catalog) anyLangIndex(id string) *anyLangIndex {
	o := c.over.Load()
	if v, ok := c.anyLang.Load(id); ok {
		if idx := v.(*anyLangIndex); idx.over == o {
			return idx
		}
	}
	idx := &anyLangIndex{over: o, words: map[string]struct{}{}}
	for _, l := range c.langCodes {
		for _, w := range c.keywordsUnder(o, l, id) {
			if len(w) > MaxAnyLangKeyword {
				continue // never compared: longer than any text looked up
			}
			idx.words[w] = struct{}{}
			idx.max = max(idx.max, len(w))
		}
	}
	c.anyLang.Store(id, idx)
	return idx
}

// keywordsUnder is Keywords with the edits of overlay o (nil: none), so
// an index records the overlay its words come from even if ApplyEdits
// runs while it is built.
func (c *Catalog) keywordsUnder(o *overlay, l Lang, id string) []string {
	text, ok := c.keywordText(o, l, id)
	if !ok {
		return nil
	}
	return splitKeywords(text)
}

// foldWithin appends Fold(s) to dst, as long as that adds at most limit
// bytes; ok is false (and the rest of s unread) once it would add more.
// Fold is foldWithin without a limit, into a buffer of its own.
func foldWithin(dst []byte, s string, limit int) (out []byte, ok bool) {
	n0 := len(dst)
	space := false // white space since the last word
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ' || c >= '\t' && c <= '\r':
				space = true
				continue
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			}
			if space && len(dst) > n0 {
				dst = append(dst, ' ')
			}
			space = false
			dst = append(dst, c)
			if len(dst)-n0 > limit {
				return dst, false
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if caseless(r) {
			// No case and no white space: as it is.
		} else if unicode.IsSpace(r) {
			space = true
			continue
		} else {
			// An invalid byte decodes as utf8.RuneError, which ToLower
			// keeps and writes as U+FFFD, as strings.ToLower does.
			r = unicode.ToLower(r)
		}
		if space && len(dst) > n0 {
			dst = append(dst, ' ')
		}
		space = false
		dst = utf8.AppendRune(dst, r)
		if len(dst)-n0 > limit {
			return dst, false
		}
	}
	return dst, true
}
