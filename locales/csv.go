package locales

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Offline review in a spreadsheet: one CSV file per language, one row per
// message, the English beside the translation with what a reviewer needs
// (notes, SMS segments, lint) and the review state. The file is UTF-8 with
// a byte order mark, so Excel opens Amharic, Chinese, Korean and
// Vietnamese correctly, and every cell that a spreadsheet would run as a
// formula is written with a leading apostrophe (see csvEscape).

// ReviewRow is one message in an offline review file, CSV or XLIFF.
type ReviewRow struct {
	ID          string
	English     string // the English text the row was exported with
	Translation string // empty when untranslated
	Notes       string // the English description
	Segments    int    // SMS segments of the translation (exported only)
	Lint        string // "ok" or the problems (exported only)
	// Review is ReviewDraft, ReviewReviewed or ReviewStale (exported for a
	// translation of older English; read back as a draft).
	Review     string
	Reviewer   string // who reviewed it, as signed (exported only)
	ReviewedAt string // when, RFC 3339 (exported only)
	SourceHash string // go-i18n's hash of English, the English of the row
	// Line is the row's line in the file it was read from (CSV), for
	// messages; 0 when unknown.
	Line int
}

// ReviewStale is the review column of a translation whose English changed
// since it was written: it needs review. Read back as a draft.
const ReviewStale = "stale"

// csvColumns are the header of an exported file; the translation column
// is "translation (<lang>)", which says the file's language.
var csvColumns = []string{"id", "English", "translation", "notes", "segments", "lint", "review status", "reviewer", "reviewed at", "source hash"}

// csvRequired are the columns an import cannot do without.
var csvRequired = []string{"id", "English", "translation", "review status", "source hash"}

const utf8BOM = "\ufeff"

// csvFormulaStart are the first characters that make a spreadsheet read a
// cell as a formula (or as DDE), full-width forms included.
const csvFormulaStart = "=+-@\t\r＝＋－＠"

// csvEscape makes a cell inert in a spreadsheet: a cell starting with a
// formula character, or with the apostrophe this escape adds, gets a
// leading apostrophe (which spreadsheets show as "text"); csvUnescape
// takes exactly one off again, so the round trip is exact.
func csvEscape(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if s != "" && (r == '\'' || strings.ContainsRune(csvFormulaStart, r)) {
		return "'" + s
	}
	return s
}

func csvUnescape(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok {
		r, _ := utf8.DecodeRuneInString(rest)
		if rest != "" && (r == '\'' || strings.ContainsRune(csvFormulaStart, r)) {
			return rest
		}
	}
	return s
}

// WriteCSV writes the rows of language l as a review spreadsheet: UTF-8
// with a byte order mark, CRLF line ends (as Excel writes them), a header
// row and one row per message.
func WriteCSV(w io.Writer, l Lang, rows []ReviewRow) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	header := append([]string{}, csvColumns...)
	header[2] = "translation (" + string(l) + ")"
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{r.ID, r.English, r.Translation, r.Notes, strconv.Itoa(r.Segments), r.Lint, r.Review, r.Reviewer, r.ReviewedAt, r.SourceHash}
		for i := range rec {
			rec[i] = csvEscape(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ErrBadCSV wraps every reason ReadCSV refuses a file; its message is
// written for the translator who chose the file.
var ErrBadCSV = errors.New("not a usable review spreadsheet")

func badCSV(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadCSV, fmt.Sprintf(format, args...))
}

// ReadCSV reads a review spreadsheet (at most MaxXLIFFBytes) and returns
// its language, from the header "translation (<lang>)", and its rows. It
// reads what spreadsheets write back: with or without the byte order mark,
// UTF-16 with a BOM ("Unicode text"), comma, semicolon or tab separated,
// CRLF or LF, columns in any order (found by their header). It refuses,
// with a reason a translator can act on, an empty, binary or non-UTF-8
// file, a missing column, a language Rightsline does not translate into, a
// row without an ID, a repeated ID and an unknown review status.
func ReadCSV(r io.Reader) (Lang, []ReviewRow, error) {
	buf, err := io.ReadAll(io.LimitReader(r, MaxXLIFFBytes+1))
	if err != nil {
		return "", nil, err
	}
	if len(buf) > MaxXLIFFBytes {
		return "", nil, badCSV("the file is larger than %d MB", MaxXLIFFBytes>>20)
	}
	if text, ok := decodeUTF16(buf); ok {
		buf = []byte(text)
	}
	buf = bytes.TrimPrefix(buf, []byte(utf8BOM))
	if len(bytes.TrimSpace(buf)) == 0 {
		return "", nil, badCSV("the file is empty")
	}
	if !utf8.Valid(buf) || bytes.IndexByte(buf, 0) >= 0 {
		return "", nil, badCSV("the file is not UTF-8 text (in Excel, save it as \"CSV UTF-8\"; an .xlsx or a zip cannot be read)")
	}
	first, _, _ := bytes.Cut(buf, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(buf))
	cr.Comma = csvSeparator(string(first))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return "", nil, badCSV("the first line does not parse: %v", err)
	}
	col := map[string]int{}
	var l Lang
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if code, ok := strings.CutPrefix(h, "translation"); ok {
			code = strings.Trim(strings.TrimSpace(code), "()")
			pl, ok := ParseLang(strings.TrimSpace(code))
			if !ok || pl == Source {
				return "", nil, badCSV("the translation column says %q; it must be \"translation (<language>)\" for one of %v, as exported", header[i], All[1:])
			}
			l, h = pl, "translation"
		}
		if _, dup := col[h]; dup {
			return "", nil, badCSV("the column %q appears twice", header[i])
		}
		col[h] = i
	}
	for _, name := range csvRequired {
		if _, ok := col[strings.ToLower(name)]; !ok {
			if name == "translation" {
				return "", nil, badCSV("the first line has no column \"translation (<language>)\", which says the file's language; export again and keep the header row")
			}
			return "", nil, badCSV("the first line has no %q column (columns: %s); export again and keep the header row", name, strings.Join(csvColumns, ", "))
		}
	}
	cell := func(rec []string, name string) string {
		i, ok := col[strings.ToLower(name)]
		if !ok || i >= len(rec) {
			return ""
		}
		return csvUnescape(rec[i])
	}
	seen := map[string]int{}
	var rows []ReviewRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil, badCSV("%v", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		row := ReviewRow{
			ID:          strings.TrimSpace(cell(rec, "id")),
			English:     normalizeNewlines(cell(rec, "English")),
			Translation: normalizeNewlines(cell(rec, "translation")),
			Notes:       cell(rec, "notes"),
			Lint:        cell(rec, "lint"),
			Reviewer:    strings.TrimSpace(cell(rec, "reviewer")),
			ReviewedAt:  strings.TrimSpace(cell(rec, "reviewed at")),
			SourceHash:  strings.TrimSpace(cell(rec, "source hash")),
			Line:        line,
		}
		row.Segments, _ = strconv.Atoi(strings.TrimSpace(cell(rec, "segments")))
		switch status := strings.ToLower(strings.TrimSpace(cell(rec, "review status"))); status {
		case "", ReviewDraft, ReviewStale:
			row.Review = ReviewDraft
		case ReviewReviewed, "final", "approved":
			row.Review = ReviewReviewed
		default:
			return "", nil, badCSV("line %d: the review status is %q; write draft or reviewed", line, status)
		}
		switch {
		case row.ID == "":
			return "", nil, badCSV("line %d has no id", line)
		case seen[row.ID] > 0:
			return "", nil, badCSV("line %d repeats %s (first on line %d)", line, row.ID, seen[row.ID])
		}
		seen[row.ID] = line
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return "", nil, badCSV("it holds no message rows")
	}
	return l, rows, nil
}

// csvSeparator picks the separator of a header line: spreadsheets in many
// locales save with semicolons, "Unicode text" with tabs.
func csvSeparator(header string) rune {
	best, n := ',', strings.Count(header, ",")
	for _, r := range []rune{';', '\t'} {
		if c := strings.Count(header, string(r)); c > n {
			best, n = r, c
		}
	}
	return best
}

// decodeUTF16 decodes UTF-16 text that starts with its byte order mark.
func decodeUTF16(buf []byte) (string, bool) {
	if len(buf) < 2 || len(buf)%2 != 0 {
		return "", false
	}
	var little bool
	switch {
	case buf[0] == 0xFF && buf[1] == 0xFE:
		little = true
	case buf[0] == 0xFE && buf[1] == 0xFF:
	default:
		return "", false
	}
	u := make([]uint16, 0, len(buf)/2-1)
	for i := 2; i+1 < len(buf); i += 2 {
		if little {
			u = append(u, uint16(buf[i])|uint16(buf[i+1])<<8)
		} else {
			u = append(u, uint16(buf[i])<<8|uint16(buf[i+1]))
		}
	}
	return string(utf16.Decode(u)), true
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// ReadReviewFile reads an offline review file of either kind, CSV or
// XLIFF 2.0 (told apart by their first characters), and returns its
// language, rows and format ("csv" or "xliff"). Its errors wrap ErrBadCSV
// or ErrBadXLIFF.
func ReadReviewFile(r io.Reader) (Lang, []ReviewRow, string, error) {
	buf, err := io.ReadAll(io.LimitReader(r, MaxXLIFFBytes+1))
	if err != nil {
		return "", nil, "", err
	}
	head := bytes.TrimLeft(bytes.TrimPrefix(buf, []byte(utf8BOM)), " \t\r\n")
	if bytes.HasPrefix(head, []byte("<")) {
		l, units, err := ReadXLIFF(bytes.NewReader(buf))
		if err != nil {
			return "", nil, "xliff", err
		}
		rows := make([]ReviewRow, 0, len(units))
		for _, u := range units {
			rows = append(rows, ReviewRow{ID: u.ID, English: u.Source, Translation: normalizeNewlines(u.Target), Notes: u.Description, Review: u.Review, SourceHash: u.SourceHash})
		}
		return l, rows, "xliff", nil
	}
	l, rows, err := ReadCSV(bytes.NewReader(buf))
	return l, rows, "csv", err
}

// IsBadReviewFile reports whether err is a refusal of the file itself
// (ErrBadCSV, ErrBadXLIFF), whose message is for the person who chose it.
func IsBadReviewFile(err error) bool {
	return errors.Is(err, ErrBadCSV) || errors.Is(err, ErrBadXLIFF)
}

// ReviewRows is every message of language l as the catalog files have
// it, as rows for an offline review file: English, notes, translation,
// segments, lint, review state (stale when the translation is of older
// English), who reviewed it and when, and the hash of the English.
func (c *Catalog) ReviewRows(l Lang) []ReviewRow {
	rows := make([]ReviewRow, 0, len(c.ids))
	for _, id := range c.ids {
		en, _ := c.Lookup(Source, id)
		row := ReviewRow{ID: id, English: en.Text, Notes: en.Description, SourceHash: en.Hash(), Review: ReviewDraft}
		if m, ok := c.Lookup(l, id); ok {
			row.Translation = m.Text
			if m.Review == ReviewReviewed {
				row.Review, row.Reviewer = ReviewReviewed, m.ReviewedBy
				if !m.ReviewedAt.IsZero() {
					row.ReviewedAt = m.ReviewedAt.UTC().Format("2006-01-02T15:04:05Z")
				}
			}
			if m.SourceHash != en.Hash() {
				row.Review = ReviewStale
			}
		}
		row.Segments = MeasureMessage(row.Translation).Segments
		ps, _ := c.CheckEdit(l, id, row.Translation)
		row.Lint = LintSummary(ps)
		rows = append(rows, row)
	}
	return rows
}

// LintSummary is the lint column of a review row: "ok", or each problem
// (errors first marked "error:", warnings "warning:").
func LintSummary(ps []Problem) string {
	if len(ps) == 0 {
		return "ok"
	}
	var parts []string
	for _, p := range ps {
		kind := "error"
		if p.Warning {
			kind = "warning"
		}
		parts = append(parts, kind+": "+p.Msg)
	}
	return strings.Join(parts, "; ")
}
