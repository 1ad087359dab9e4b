package locales

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/BurntSushi/toml"
)

// The review status of translations lives beside the catalog, not in it:
// locales/review/<lang>.toml holds one table per reviewed message (who
// reviewed it, when, and the hash of the translation they approved), so
// the catalog files stay in go-i18n's own format, which `goi18n merge` and
// translation platforms read unchanged. A message without a record is a
// draft. A record whose text hash no longer matches the translation (the
// text was edited after the review) makes it a draft again: a review
// approves one text, not a message ID.

// ReviewDir is the folder of the review sidecar files, inside locales/.
const ReviewDir = "review"

// ReviewFile names the sidecar file of language l ("review/am.toml").
func ReviewFile(l Lang) string { return ReviewDir + "/" + string(l) + ".toml" }

// ReviewRecord is one message's review in a sidecar file.
type ReviewRecord struct {
	// Status is ReviewReviewed (the only status written today) or
	// ReviewDraft (an explicit "back to draft", kept for who and when).
	Status string `toml:"status"`
	// By names the reviewer, as they signed the review.
	By string `toml:"by"`
	// At is when the review was recorded, RFC 3339 in UTC; empty for
	// reviews carried over from before who and when were kept.
	At string `toml:"at"`
	// Text is TextHash of the translation the reviewer approved.
	Text string `toml:"text"`
}

// TextHash identifies a translation's text in a review record.
func TextHash(text string) string {
	sum := sha1.Sum([]byte(text))
	return "sha1-" + hex.EncodeToString(sum[:])
}

// Reviews is a language's sidecar: message ID → record.
type Reviews map[string]ReviewRecord

// readReviews reads the sidecar of language l from fsys; a missing file
// is an empty sidecar.
func readReviews(fsys fs.FS, l Lang) (Reviews, error) {
	buf, err := fs.ReadFile(fsys, ReviewFile(l))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Reviews{}, nil
		}
		return nil, err
	}
	return ParseReviews(buf)
}

// ParseReviews decodes a sidecar file and checks every record.
func ParseReviews(buf []byte) (Reviews, error) {
	out := Reviews{}
	if _, err := toml.Decode(string(buf), &out); err != nil {
		return nil, err
	}
	for id, r := range out {
		if r.Status != ReviewReviewed && r.Status != ReviewDraft {
			return nil, fmt.Errorf("review of %q: status is %q, want %q or %q", id, r.Status, ReviewReviewed, ReviewDraft)
		}
		if r.At != "" {
			if _, err := time.Parse(time.RFC3339, r.At); err != nil {
				return nil, fmt.Errorf("review of %q: at %q is not an RFC 3339 time", id, r.At)
			}
		}
	}
	return out, nil
}

// reviewHeader opens every sidecar file.
const reviewHeader = `# Review status of the %s translations, kept beside the catalog so that the
# catalog stays in go-i18n's format. One table per reviewed message: who, when
# (UTC) and the hash of the translation approved (an edit after the review makes
# it a draft again). Messages not listed are drafts. Written by
# ` + "`rightsline i18n hash --review`" + `, the translators' console export and
# ` + "`rightsline i18n migrate`" + `; sorted by ID, so a merge conflict is resolved by
# keeping both sides' tables.
`

// Encode writes the sidecar of language l: a fixed header, then the
// records sorted by ID with their fields in a fixed order, so that the
// same reviews always give the same bytes.
func (rs Reviews) Encode(l Lang) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, reviewHeader, l)
	ids := make([]string, 0, len(rs))
	for id := range rs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r := rs[id]
		fmt.Fprintf(&b, "\n[%s]\nstatus = %s\n", strconv.Quote(id), strconv.Quote(r.Status))
		if r.By != "" {
			fmt.Fprintf(&b, "by = %s\n", strconv.Quote(r.By))
		}
		if r.At != "" {
			fmt.Fprintf(&b, "at = %s\n", strconv.Quote(r.At))
		}
		fmt.Fprintf(&b, "text = %s\n", strconv.Quote(r.Text))
	}
	return b.Bytes()
}

// applyReview sets m's review fields from its record (nil: a draft).
func applyReview(m *Message, r *ReviewRecord) {
	m.Review, m.ReviewedBy, m.ReviewedAt, m.ReviewOutdated = ReviewDraft, "", time.Time{}, false
	if r == nil {
		return
	}
	if r.Text != TextHash(m.Text) {
		m.ReviewOutdated = r.Status == ReviewReviewed
		return
	}
	m.Review, m.ReviewedBy = r.Status, r.By
	if r.At != "" {
		m.ReviewedAt, _ = time.Parse(time.RFC3339, r.At)
	}
}

// writeReviews writes the sidecar of l under dir (the locales folder).
func writeReviews(dir string, l Lang, rs Reviews) (string, bool, error) {
	path := filepath.Join(dir, filepath.FromSlash(ReviewFile(l)))
	buf := rs.Encode(l)
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, buf) {
		return path, false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return path, false, err
	}
	return path, true, os.WriteFile(path, buf, 0o644)
}
