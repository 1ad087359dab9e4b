package locales

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// XLIFF 2.0 (OASIS, urn:oasis:names:tc:xliff:document:2.0) is how a
// translator takes a language away for offline review and brings it back:
// one <unit> per message, its English in <source>, the translation in
// <target>, the English description and the source hash in <notes>, and
// the review state in the segment's state attribute ("translated" for a
// draft, "final" once reviewed; "reviewed" and "final" both read back as
// reviewed).

// XLIFFNamespace is the XLIFF 2.0 core namespace.
const XLIFFNamespace = "urn:oasis:names:tc:xliff:document:2.0"

// MaxXLIFFBytes bounds an imported file: the whole catalog of one language
// is far smaller.
const MaxXLIFFBytes = 4 << 20

// XLIFFUnit is one message in an XLIFF file.
type XLIFFUnit struct {
	ID          string
	Source      string // the English text
	Target      string // the translation; empty when untranslated
	Description string // the English description, for the translator
	SourceHash  string // go-i18n's hash of the English message
	// Review is ReviewDraft or ReviewReviewed.
	Review string
	// ReviewedBy is shown to the translator in a note; not read back.
	ReviewedBy string
}

type xliffDoc struct {
	XMLName xml.Name    `xml:"urn:oasis:names:tc:xliff:document:2.0 xliff"`
	Version string      `xml:"version,attr"`
	SrcLang string      `xml:"srcLang,attr"`
	TrgLang string      `xml:"trgLang,attr"`
	Files   []xliffFile `xml:"file"`
}

type xliffFile struct {
	ID    string      `xml:"id,attr"`
	Units []xliffUnit `xml:"unit"`
}

type xliffUnit struct {
	ID       string         `xml:"id,attr"`
	Notes    *xliffNotes    `xml:"notes,omitempty"`
	Segments []xliffSegment `xml:"segment"`
}

type xliffNotes struct {
	Notes []xliffNote `xml:"note"`
}

type xliffNote struct {
	Category string `xml:"category,attr,omitempty"`
	Text     string `xml:",chardata"`
}

type xliffSegment struct {
	State  string     `xml:"state,attr,omitempty"`
	Source xliffText  `xml:"source"`
	Target *xliffText `xml:"target,omitempty"`
}

type xliffText struct {
	Space string `xml:"http://www.w3.org/XML/1998/namespace space,attr,omitempty"`
	Text  string `xml:",chardata"`
	// Inline holds any inline markup (<ph>, <pc>, …), which Rightsline's
	// plain texts never have: an import refuses it rather than drop it.
	Inline []struct {
		XMLName xml.Name
	} `xml:",any"`
}

// Note categories written in each unit.
const (
	noteDescription = "description"
	noteHash        = "source-hash"
	noteReviewedBy  = "reviewed-by"
)

// WriteXLIFF writes units of language l as an XLIFF 2.0 document.
func WriteXLIFF(w io.Writer, l Lang, units []XLIFFUnit) error {
	doc := xliffDoc{Version: "2.0", SrcLang: string(Source), TrgLang: string(l), Files: []xliffFile{{ID: "rightsline-" + string(l)}}}
	for _, u := range units {
		xu := xliffUnit{ID: u.ID}
		var notes []xliffNote
		if u.Description != "" {
			notes = append(notes, xliffNote{Category: noteDescription, Text: u.Description})
		}
		notes = append(notes, xliffNote{Category: noteHash, Text: u.SourceHash})
		if u.ReviewedBy != "" {
			notes = append(notes, xliffNote{Category: noteReviewedBy, Text: u.ReviewedBy})
		}
		xu.Notes = &xliffNotes{Notes: notes}
		seg := xliffSegment{Source: xliffText{Space: "preserve", Text: u.Source}}
		if u.Target != "" {
			seg.Target = &xliffText{Space: "preserve", Text: u.Target}
			seg.State = "translated"
			if u.Review == ReviewReviewed {
				seg.State = "final"
			}
		} else {
			seg.State = "initial"
		}
		xu.Segments = []xliffSegment{seg}
		doc.Files[0].Units = append(doc.Files[0].Units, xu)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// ErrBadXLIFF wraps every reason ReadXLIFF refuses a file; its message is
// written for the translator who chose the file.
var ErrBadXLIFF = errors.New("not a usable XLIFF 2.0 file")

func badXLIFF(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadXLIFF, fmt.Sprintf(format, args...))
}

// ReadXLIFF reads an XLIFF 2.0 document from r (at most MaxXLIFFBytes) and
// returns its target language and units. It refuses, with a message a
// translator can act on, anything that is not XLIFF 2.0 from English,
// binary or non-UTF-8 data, a unit without an ID or with more than one
// segment, a repeated ID, and inline markup it would otherwise lose.
func ReadXLIFF(r io.Reader) (Lang, []XLIFFUnit, error) {
	buf, err := io.ReadAll(io.LimitReader(r, MaxXLIFFBytes+1))
	if err != nil {
		return "", nil, err
	}
	switch {
	case len(bytes.TrimSpace(buf)) == 0:
		return "", nil, badXLIFF("the file is empty")
	case len(buf) > MaxXLIFFBytes:
		return "", nil, badXLIFF("the file is larger than %d MB", MaxXLIFFBytes>>20)
	case !utf8.Valid(buf) || bytes.IndexByte(buf, 0) >= 0:
		return "", nil, badXLIFF("the file is not UTF-8 text (is it a spreadsheet or a zip?)")
	}
	var doc xliffDoc
	dec := xml.NewDecoder(bytes.NewReader(buf))
	if err := dec.Decode(&doc); err != nil {
		var se xml.UnmarshalError
		if errors.As(err, &se) || strings.Contains(err.Error(), "expected element type") {
			return "", nil, badXLIFF("the top element is not <xliff> in the XLIFF 2.0 namespace %s (XLIFF 1.2 files are not read; export again from the console)", XLIFFNamespace)
		}
		return "", nil, badXLIFF("the XML does not parse: %v", err)
	}
	if doc.Version != "2.0" {
		return "", nil, badXLIFF("version is %q, want \"2.0\"", doc.Version)
	}
	if doc.SrcLang != string(Source) {
		return "", nil, badXLIFF("the source language is %q; Rightsline translates from %q", doc.SrcLang, Source)
	}
	l, ok := ParseLang(doc.TrgLang)
	if !ok || l == Source {
		return "", nil, badXLIFF("the target language %q is not one Rightsline is translated into (%v)", doc.TrgLang, All[1:])
	}
	seen := map[string]bool{}
	var out []XLIFFUnit
	for _, f := range doc.Files {
		for _, u := range f.Units {
			switch {
			case u.ID == "":
				return "", nil, badXLIFF("a <unit> has no id")
			case seen[u.ID]:
				return "", nil, badXLIFF("unit %q appears twice", u.ID)
			case len(u.Segments) != 1:
				return "", nil, badXLIFF("unit %q has %d segments; each message is one segment (do not split or join them)", u.ID, len(u.Segments))
			}
			seen[u.ID] = true
			seg := u.Segments[0]
			if len(seg.Source.Inline) > 0 || (seg.Target != nil && len(seg.Target.Inline) > 0) {
				return "", nil, badXLIFF("unit %q holds inline markup (<%s>); write plain text", u.ID, firstInline(seg))
			}
			xu := XLIFFUnit{ID: u.ID, Source: seg.Source.Text, Review: ReviewDraft}
			if seg.Target != nil {
				xu.Target = seg.Target.Text
			}
			switch seg.State {
			case "", "initial", "translated":
			case "reviewed", "final":
				xu.Review = ReviewReviewed
			default:
				return "", nil, badXLIFF("unit %q has state %q; XLIFF 2.0 knows initial, translated, reviewed and final", u.ID, seg.State)
			}
			if u.Notes != nil {
				for _, n := range u.Notes.Notes {
					switch n.Category {
					case noteHash:
						xu.SourceHash = strings.TrimSpace(n.Text)
					case noteDescription:
						xu.Description = n.Text
					}
				}
			}
			out = append(out, xu)
		}
	}
	if len(out) == 0 {
		return "", nil, badXLIFF("it holds no <unit>")
	}
	return l, out, nil
}

func firstInline(seg xliffSegment) string {
	if len(seg.Source.Inline) > 0 {
		return seg.Source.Inline[0].XMLName.Local
	}
	return seg.Target.Inline[0].XMLName.Local
}
