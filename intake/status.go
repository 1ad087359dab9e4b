package intake

import (
	"context"
	"errors"
	"strings"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// statusWords is the keyword list of STATUS in each language; English
// works everywhere.
const statusWords = "kw.intake.status"

// maxStatusListed bounds how many reports a bare STATUS lists.
const maxStatusListed = 3

// StatusReply answers "STATUS <reference>" (or the word in the resident's
// language) with the report's status, in lang. It answers only about the
// person's own reports (the contact's and those of the contacts linked with
// it, link.go): an unknown reference and another person's get the same
// "not found" reply. A bare STATUS lists the person's latest reports.
// handled is false when text is not a STATUS request (the runtime then
// steps the engine as usual), so a narrative that starts with "status" but
// holds no reference is not swallowed.
//
// Call it before the engine, for every channel. It reads only; the caller
// stores the inbound message and the reply as it does for engine replies.
func (s *Service) StatusReply(ctx context.Context, contact store.Contact, lang locales.Lang, text string) (reply string, handled bool, err error) {
	return s.statusReply(ctx, s.store, contact, lang, text)
}

// StatusReplyTx is StatusReply reading in tx, for a caller that answers
// inside its own transaction (the runtime, which stores the inbound
// message and the reply together). On an in-memory SQLite database a read
// outside the open transaction would wait for it forever.
func (s *Service) StatusReplyTx(ctx context.Context, tx *store.Tx, contact store.Contact, lang locales.Lang, text string) (reply string, handled bool, err error) {
	return s.statusReply(ctx, tx, contact, lang, text)
}

// reportReader is what STATUS reads: a *store.Store or a *store.Tx.
type reportReader interface {
	ReportByReference(ctx context.Context, reference string) (store.Report, error)
	ReportsByPerson(ctx context.Context, contactID int64, limit int) ([]store.Report, error)
	SamePerson(ctx context.Context, a, b int64) (bool, error)
}

func (s *Service) statusReply(ctx context.Context, db reportReader, contact store.Contact, lang locales.Lang, text string) (reply string, handled bool, err error) {
	rest, ok := s.stripStatusWord(lang, text)
	if !ok {
		return "", false, nil
	}
	ref := strings.TrimSpace(rest)
	if ref != "" {
		if _, err := ParseReference(ref); err != nil {
			return "", false, nil // "status of my apartment is …": not for us
		}
	}
	return s.statusOf(ctx, db, contact, lang, ref)
}

// statusOf answers a status request for reference ref, or for the
// contact's latest reports when ref is "". A reference that is not one
// gets the same "not found" as another person's.
func (s *Service) statusOf(ctx context.Context, db reportReader, contact store.Contact, lang locales.Lang, ref string) (reply string, handled bool, err error) {
	if _, ok := s.cat.ParseLang(string(lang)); !ok {
		lang = locales.English
	}
	if ref == "" {
		reply, err := s.listStatus(ctx, db, contact, lang)
		return reply, err == nil, err
	}
	parsed, err := ParseReference(ref)
	if err != nil {
		reply, err := s.cat.Text(lang, "intake.status.not_found", nil)
		return reply, err == nil, err
	}
	r, err := db.ReportByReference(ctx, parsed)
	mine := err == nil && r.ContactID == contact.ID
	if err == nil && !mine {
		// A report filed on a channel linked with this one is theirs too.
		if mine, err = db.SamePerson(ctx, r.ContactID, contact.ID); err != nil {
			return "", false, err
		}
	}
	if errors.Is(err, store.ErrNotFound) || (err == nil && !mine) {
		reply, err := s.cat.Text(lang, "intake.status.not_found", nil)
		return reply, err == nil, err
	}
	if err != nil {
		return "", false, err
	}
	reply, err = s.statusLine(lang, r)
	return reply, err == nil, err
}

func (s *Service) listStatus(ctx context.Context, db reportReader, contact store.Contact, lang locales.Lang) (string, error) {
	rs, err := db.ReportsByPerson(ctx, contact.ID, maxStatusListed)
	if err != nil {
		return "", err
	}
	if len(rs) == 0 {
		return s.cat.Text(lang, "intake.status.none", nil)
	}
	lines := make([]string, 0, len(rs))
	for _, r := range rs {
		line, err := s.statusLine(lang, r)
		if err != nil {
			return "", err
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), nil
}

func (s *Service) statusLine(lang locales.Lang, r store.Report) (string, error) {
	status, err := s.cat.Text(lang, "intake.status."+r.Status, nil)
	if err != nil {
		return "", err
	}
	return s.cat.Text(lang, "intake.status.reply", map[string]string{"ref": r.Reference, "status": status})
}

// stripStatusWord reports whether text starts with a STATUS word of lang
// or English, and returns what follows it.
func (s *Service) stripStatusWord(lang locales.Lang, text string) (string, bool) {
	folded := locales.Fold(text)
	folded = strings.TrimRight(folded, ".!?。！？ ")
	best := -1
	for _, w := range s.cat.KeywordsWithEnglish(lang, statusWords) {
		if !strings.HasPrefix(folded, w) || len(w) <= best {
			continue
		}
		after := folded[len(w):]
		if after == "" || after[0] == ' ' || after[0] == ':' || after[0] == '#' || isCJK(w) {
			best = len(w)
		}
	}
	if best < 0 {
		return "", false
	}
	return strings.TrimLeft(folded[best:], " :#："), true
}

// isCJK reports whether w is written without spaces before what follows
// (状态DC-7KQ2-9D).
func isCJK(w string) bool {
	for _, r := range w {
		if r >= 0x2E80 {
			return true
		}
	}
	return false
}

// StatusReplyID is the message ID of a STATUS answer in the runtime's
// replies.
const StatusReplyID = "intake.status.reply"
