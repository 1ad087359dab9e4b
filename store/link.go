package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// One person across channels. A resident links two of their contacts (an
// SMS number and a Discord account, say) by asking for a code on one
// ([Tx.NewLinkCode]) and typing it on the other ([Tx.RedeemLinkCode]).
// Linking is never automatic. Linked contacts share a person (persons,
// contacts.person_id): their language ([Tx.SetContactLang]), discreet mode
// ([Tx.SetContactDiscreet]), held updates, reports ([Tx.ReportsByPerson])
// and erasure ([Tx.ErasePerson]). [Tx.Unlink] takes one contact out again;
// each side then keeps what is its own (its reports, messages, language and
// discreet setting). docs/privacy.md describes it for residents and staff.

// Link codes.
const (
	// LinkCodeDigits is how long a code is.
	LinkCodeDigits = 6
	// LinkCodeTTL is how long a code may be used.
	LinkCodeTTL = 10 * time.Minute
)

// Limits on typing codes. A wrong guess among a million codes is cheap to
// make, so each contact may try LinkAttemptsPerContact times in a window,
// and everyone together LinkAttemptsGlobal times an hour: with a few codes
// alive at a time, guessing one takes far longer than a code lives.
var (
	LinkAttemptsPerContact = Limit{Name: "link-code-contact", Max: 5, Window: LinkCodeTTL}
	LinkAttemptsGlobal     = Limit{Name: "link-code-all", Max: 300, Window: time.Hour}
)

// Errors of RedeemLinkCode.
var (
	// ErrLinkCodeInvalid: no such code, expired, or already used (the
	// resident is told the same for all three).
	ErrLinkCodeInvalid = errors.New("store: link code not valid")
	// ErrLinkCodeOwn: the code was asked for on this same contact.
	ErrLinkCodeOwn = errors.New("store: link code typed where it was asked for")
	// ErrLinkAlreadyLinked: the two contacts are already one person.
	ErrLinkAlreadyLinked = errors.New("store: contacts already linked")
	// ErrLinkTooManyAttempts: over LinkAttemptsPerContact or
	// LinkAttemptsGlobal; nothing was checked.
	ErrLinkTooManyAttempts = errors.New("store: too many link code attempts")
)

// linkCodeIndex is the keyed digest a code is stored and found by.
func (k *Keys) linkCodeIndex(code string) string { return k.Index("link-code", code) }

// NewLinkCode draws a new one-time code for the contact (crypto/rand,
// LinkCodeDigits digits), replacing any code it asked for before, and
// stores only its keyed digest, valid for LinkCodeTTL. The code is for the
// resident's eyes only: never log it.
func (tx *Tx) NewLinkCode(ctx context.Context, contactID int64) (code string, expires time.Time, err error) {
	k := tx.store.keys
	now := tx.store.clock()
	if _, err := tx.exec(ctx, "PurgeLinkCodes", tx.time(now)); err != nil {
		return "", time.Time{}, fmt.Errorf("store: link code: %w", err)
	}
	max := big.NewInt(1)
	for i := 0; i < LinkCodeDigits; i++ {
		max.Mul(max, big.NewInt(10))
	}
	expires = now.Add(LinkCodeTTL)
	for range 8 {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", time.Time{}, fmt.Errorf("store: link code: %w", err)
		}
		code = fmt.Sprintf("%0*d", LinkCodeDigits, n)
		digest := k.linkCodeIndex(code)
		var taken int64
		if err := tx.queryRow(ctx, "LinkCodeTaken", digest, contactID).Scan(&taken); err != nil {
			return "", time.Time{}, fmt.Errorf("store: link code: %w", err)
		}
		if taken > 0 {
			continue // another contact's live code: draw again
		}
		if _, err := tx.exec(ctx, "UpsertLinkCode", contactID, digest, k.IndexID(), tx.time(now), tx.time(expires)); err != nil {
			return "", time.Time{}, fmt.Errorf("store: link code: %w", err)
		}
		return code, expires, nil
	}
	return "", time.Time{}, errors.New("store: link code: no free code")
}

// LinkResult is what RedeemLinkCode linked.
type LinkResult struct {
	// Other is the contact that asked for the code: the channel the
	// resident proved they also control.
	Other Contact
	// Discreet is set when the linked person is in discreet mode (one of
	// them was; now all are). NewlyDiscreet lists the contacts that were
	// not before, for the consent ledger.
	Discreet      bool
	NewlyDiscreet []int64
}

// RedeemLinkCode checks a code typed on contact contactID (locked by the
// caller's ContactForUpdate) and, if it is a live code another contact
// asked for, links the two into one person and spends the code. Every call
// counts against LinkAttemptsPerContact and LinkAttemptsGlobal (in the
// transaction: a call whose transaction commits counts once).
func (tx *Tx) RedeemLinkCode(ctx context.Context, contactID int64, code string) (LinkResult, error) {
	fail := func(err error) (LinkResult, error) { return LinkResult{}, fmt.Errorf("store: link: %w", err) }
	for _, lim := range []struct {
		l       Limit
		subject string
	}{{LinkAttemptsPerContact, fmt.Sprint("contact:", contactID)}, {LinkAttemptsGlobal, "all"}} {
		v, err := tx.Allow(ctx, lim.l, lim.subject)
		if err != nil {
			return fail(err)
		}
		if !v.Allowed {
			return LinkResult{}, ErrLinkTooManyAttempts
		}
	}
	k := tx.store.keys
	now := tx.time(tx.store.clock())
	owner := int64(0)
	for _, digest := range append([]string{k.linkCodeIndex(code)}, k.olderIndexes("link-code", code)...) {
		err := tx.queryRow(ctx, "LinkCodeOwner", digest, now).Scan(&owner)
		if err == nil {
			break
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fail(err)
		}
	}
	if owner == 0 {
		return LinkResult{}, ErrLinkCodeInvalid
	}
	if owner == contactID {
		return LinkResult{}, ErrLinkCodeOwn
	}
	// Spent whatever happens next: a code links once.
	if _, err := tx.exec(ctx, "DeleteLinkCode", owner); err != nil {
		return fail(err)
	}
	other, err := tx.contactByID(ctx, owner)
	if err != nil {
		return fail(err)
	}
	pa, err := tx.personOf(ctx, owner)
	if err != nil {
		return fail(err)
	}
	pb, err := tx.personOf(ctx, contactID)
	if err != nil {
		return fail(err)
	}
	switch {
	case pa != 0 && pa == pb:
		return LinkResult{Other: other}, ErrLinkAlreadyLinked
	case pa == 0 && pb == 0:
		var p int64
		if err := tx.queryRow(ctx, "InsertPerson", now).Scan(&p); err != nil {
			return fail(err)
		}
		for _, id := range []int64{owner, contactID} {
			if _, err := tx.exec(ctx, "SetContactPerson", id, p); err != nil {
				return fail(err)
			}
		}
	case pa == 0:
		if _, err := tx.exec(ctx, "SetContactPerson", owner, pb); err != nil {
			return fail(err)
		}
	case pb == 0:
		if _, err := tx.exec(ctx, "SetContactPerson", contactID, pa); err != nil {
			return fail(err)
		}
	default:
		if _, err := tx.exec(ctx, "MovePerson", pb, pa); err != nil {
			return fail(err)
		}
		if _, err := tx.exec(ctx, "DeletePerson", pb); err != nil {
			return fail(err)
		}
	}
	res := LinkResult{Other: other}
	// Discreet mode protects a shared phone: once one channel of the
	// person asked for it, every linked one has it.
	all, err := tx.PersonContacts(ctx, contactID)
	if err != nil {
		return fail(err)
	}
	for _, c := range all {
		on, err := tx.contactDiscreetOnly(ctx, c.ID)
		if err != nil {
			return fail(err)
		}
		if on {
			res.Discreet = true
		} else {
			res.NewlyDiscreet = append(res.NewlyDiscreet, c.ID)
		}
	}
	if !res.Discreet {
		res.NewlyDiscreet = nil
		return res, nil
	}
	if err := tx.SetContactDiscreet(ctx, contactID, true); err != nil {
		return fail(err)
	}
	return res, nil
}

// Unlink takes the contact out of its person. It returns the contacts it
// was linked with (none if it was linked to nothing). Each keeps what is
// its own: its reports, messages, language and discreet setting; from then
// on nothing is shared between them. A person left with one contact is
// dissolved.
func (tx *Tx) Unlink(ctx context.Context, contactID int64) ([]Contact, error) {
	fail := func(err error) ([]Contact, error) { return nil, fmt.Errorf("store: unlink: %w", err) }
	p, err := tx.personOf(ctx, contactID)
	if err != nil || p == 0 {
		return nil, err
	}
	all, err := tx.PersonContacts(ctx, contactID)
	if err != nil {
		return fail(err)
	}
	var others []Contact
	for _, c := range all {
		if c.ID != contactID {
			others = append(others, c)
		}
	}
	if _, err := tx.exec(ctx, "SetContactPerson", contactID, nil); err != nil {
		return fail(err)
	}
	if len(others) < 2 {
		if _, err := tx.exec(ctx, "ClearPerson", p); err != nil {
			return fail(err)
		}
		if _, err := tx.exec(ctx, "DeletePerson", p); err != nil {
			return fail(err)
		}
	}
	return others, nil
}

// PersonContacts returns the contact and every contact linked with it,
// oldest first: the channels the person may be reached on. A contact
// linked to nothing is returned alone.
func (tx *Tx) PersonContacts(ctx context.Context, contactID int64) ([]Contact, error) {
	rows, err := tx.tx.QueryContext(ctx, query(tx.store.dialect, "PersonContacts"), contactID)
	return collectContacts(tx.store.keys, rows, err)
}

// PersonContacts is [Tx.PersonContacts] outside a transaction (the
// console's report page).
func (s *Store) PersonContacts(ctx context.Context, contactID int64) ([]Contact, error) {
	rows, err := s.queryRows(ctx, "PersonContacts", contactID)
	return collectContacts(s.keys, rows, err)
}

func collectContacts(k *Keys, rows interface {
	Next() bool
	Scan(...any) error
	Close() error
	Err() error
}, err error) ([]Contact, error) {
	if err != nil {
		return nil, fmt.Errorf("store: person contacts: %w", err)
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		c, err := scanContact(k, rows)
		if err != nil {
			return nil, fmt.Errorf("store: person contacts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: person contacts: %w", err)
	}
	return out, nil
}

// SamePerson reports whether contacts a and b are one person (the same
// contact, or linked).
func (tx *Tx) SamePerson(ctx context.Context, a, b int64) (bool, error) {
	if a == b {
		return true, nil
	}
	pa, err := tx.personOf(ctx, a)
	if err != nil || pa == 0 {
		if errors.Is(err, ErrNotFound) {
			err = nil
		}
		return false, err
	}
	pb, err := tx.personOf(ctx, b)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil && pa == pb, err
}

// SamePerson is [Tx.SamePerson] outside a transaction.
func (s *Store) SamePerson(ctx context.Context, a, b int64) (bool, error) {
	if a == b {
		return true, nil
	}
	var pa, pb int64
	if err := s.queryRow(ctx, "ContactPerson", a).Scan(&pa); err != nil || pa == 0 {
		if errors.Is(err, sql.ErrNoRows) {
			err = nil
		}
		return false, err
	}
	if err := s.queryRow(ctx, "ContactPerson", b).Scan(&pb); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			err = nil
		}
		return false, err
	}
	return pa == pb, nil
}

// ReportsByPerson returns up to limit reports filed by the contact or any
// contact linked with it, newest first; none is not an error.
func (tx *Tx) ReportsByPerson(ctx context.Context, contactID int64, limit int) ([]Report, error) {
	rows, err := tx.tx.QueryContext(ctx, query(tx.store.dialect, "ReportsByPerson"), contactID, limit)
	return collectReports(tx.store.keys, rows, err)
}

// ReportsByPerson is [Tx.ReportsByPerson] outside a transaction.
func (s *Store) ReportsByPerson(ctx context.Context, contactID int64, limit int) ([]Report, error) {
	rows, err := s.queryRows(ctx, "ReportsByPerson", contactID, limit)
	return collectReports(s.keys, rows, err)
}

// personOf is the contact's person id, 0 when it is linked to nothing.
func (tx *Tx) personOf(ctx context.Context, contactID int64) (int64, error) {
	var p int64
	if err := tx.queryRow(ctx, "ContactPerson", contactID).Scan(&p); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, ErrNotFound
		}
		return 0, err
	}
	return p, nil
}

func (tx *Tx) contactByID(ctx context.Context, id int64) (Contact, error) {
	return scanContact(tx.store.keys, tx.queryRow(ctx, "ContactByID", id))
}

func (tx *Tx) contactDiscreetOnly(ctx context.Context, id int64) (bool, error) {
	var on bool
	err := tx.queryRow(ctx, "ContactDiscreet", id).Scan(&on)
	return on, err
}

// ErasePerson erases the contact and every contact linked with it (each by
// eraseContact's rule), so a resident's DELETE on one channel, or an
// admin's erasure from a report, leaves nothing of the person on any
// channel. keepMessageID is kept for the contact itself, as eraseContact
// says; the linked contacts are deleted outright. The counts are summed.
func (tx *Tx) ErasePerson(ctx context.Context, contactID, keepMessageID int64) (ErasureResult, error) {
	all, err := tx.PersonContacts(ctx, contactID)
	if err != nil {
		return ErasureResult{}, fmt.Errorf("store: erase person: %w", err)
	}
	p, err := tx.personOf(ctx, contactID)
	if err != nil {
		return ErasureResult{}, fmt.Errorf("store: erase person: %w", err)
	}
	if p != 0 {
		for _, q := range []string{"ClearPerson", "DeletePerson"} {
			if _, err := tx.exec(ctx, q, p); err != nil {
				return ErasureResult{}, fmt.Errorf("store: erase person: %w", err)
			}
		}
	}
	var sum ErasureResult
	add := func(r ErasureResult) {
		sum.Messages += r.Messages
		sum.Withdrawn += r.Withdrawn
		sum.Kept += r.Kept
		sum.Outbox += r.Outbox
	}
	for _, c := range all {
		if c.ID == contactID {
			continue
		}
		r, err := tx.eraseContact(ctx, c.ID, 0)
		if err != nil {
			return ErasureResult{}, err
		}
		add(r)
	}
	if _, err := tx.exec(ctx, "DeleteLinkCode", contactID); err != nil {
		return ErasureResult{}, fmt.Errorf("store: erase person: %w", err)
	}
	r, err := tx.eraseContact(ctx, contactID, keepMessageID)
	if err != nil {
		return ErasureResult{}, err
	}
	add(r)
	return sum, nil
}

// purgeLinks is retention's part: expired codes, and persons left with one
// contact or none (the others purged by the schedule or erased).
func (tx *Tx) purgeLinks(ctx context.Context, now time.Time) error {
	for _, q := range []struct {
		name string
		args []any
	}{{"PurgeLinkCodes", []any{tx.time(now)}}, {"PurgeLonePersons", nil}, {"PurgeEmptyPersons", nil}} {
		if _, err := tx.exec(ctx, q.name, q.args...); err != nil {
			return fmt.Errorf("store: purge (%s): %w", q.name, err)
		}
	}
	return nil
}
