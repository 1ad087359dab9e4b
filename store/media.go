package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Media: photos and documents a resident sends during a report (an MMS
// photo, a WhatsApp document, a Discord attachment). The runtime stores a
// row per attachment with the inbound message, in its transaction
// ([Tx.InsertMedia]), holding the provider's URL sealed; the media worker
// (bot/media) claims due rows ([Store.ClaimMedia]), fetches them, and
// stores the checked, stripped bytes sealed ([Store.StoreMediaData]) or
// records why not ([Store.RefuseMedia]). When the report is filed its
// intake's media are attached to it ([Tx.AttachIntakeMedia]); staff read
// them with the report ([Store.ReportMedia], [Store.ReportMediaData]).
//
// A row lives as long as its message and its report (foreign keys ON
// DELETE CASCADE): a dropped intake, an erasure (which also deletes the
// contact's media outright) and the retention purge remove it with them.

// Media states.
const (
	MediaPending  = "pending"  // waiting to be fetched (or fetched again)
	MediaFetching = "fetching" // claimed by a worker
	MediaStored   = "stored"   // bytes checked, stripped and sealed
	MediaRefused  = "refused"  // not kept: see Refusal
)

// Reasons a medium is refused.
const (
	RefusedType   = "type"   // not a photo (JPEG, PNG, WebP) or a PDF, by its bytes
	RefusedSize   = "size"   // over the size limit
	RefusedFetch  = "fetch"  // could not be fetched after every attempt
	RefusedBroken = "broken" // claimed a type it does not have, or damaged
)

// MediaRef is one attachment as the channel received it.
type MediaRef struct {
	URL         string // personal data: sealed at rest, blanked once fetched
	ClaimedType string // what the provider says; never trusted
}

// Media is one stored attachment's metadata (never its bytes).
type Media struct {
	ID, ContactID, MessageID, ReportID int64
	Channel                            string
	Position                           int
	ClaimedType                        string
	State, Refusal                     string
	// ContentType is the type sniffed from the bytes.
	ContentType string
	Size        int
	// KeepLocation: the resident chose to keep location metadata.
	KeepLocation bool
	// Stripped: location metadata was found and removed.
	Stripped  bool
	CreatedAt time.Time
}

// MediaJob is a claimed attachment to fetch.
type MediaJob struct {
	ID, ContactID, MessageID int64
	Channel                  string
	URL, ClaimedType         string
	KeepLocation             bool
	Attempts                 int
}

var (
	aadMediaSource = sealedColumn("media", "source")
	aadMediaData   = sealedColumn("media", "data")
)

// location column values.
const (
	locationStrip = "strip"
	locationKeep  = "keep"
)

// IntakeMedia reports whether the contact has an intake open and how many
// of its attachments are not refused (pending, being fetched or stored).
func (tx *Tx) IntakeMedia(ctx context.Context, contactID int64) (open bool, count int, err error) {
	var first int64
	err = tx.queryRow(ctx, "IntakeMediaCount", contactID).Scan(&first, &count)
	if errors.Is(err, sql.ErrNoRows) {
		return false, 0, nil
	}
	if err != nil {
		return false, 0, fmt.Errorf("store: intake media: %w", err)
	}
	return true, count, nil
}

// Statuses of an inbound location word (intake: KEEP LOCATION, REMOVE
// LOCATION): the latest one sent during the open intake decides whether
// the photos sent after it keep their location metadata
// ([Tx.IntakeKeepLocation]).
const (
	StatusLocationKeep   = "location.keep"
	StatusLocationRemove = "location.remove"
)

// IntakeKeepLocation reports whether the resident asked, during their
// open intake, to keep the location metadata of the photos they send:
// the latest location word of the intake is StatusLocationKeep. Without
// an open intake, or a word, location is removed.
func (tx *Tx) IntakeKeepLocation(ctx context.Context, contactID int64) (bool, error) {
	var status string
	err := tx.queryRow(ctx, "IntakeLocationChoice", contactID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: intake location choice: %w", err)
	}
	return status == StatusLocationKeep, nil
}

// InsertMedia stores the attachments of the inbound message messageID, in
// order, to be fetched as soon as a worker is free.
func (tx *Tx) InsertMedia(ctx context.Context, contactID, messageID int64, channel string, refs []MediaRef, keepLocation bool) error {
	if messageID == 0 || channel == "" {
		return errors.New("store: InsertMedia: the message and channel must be set")
	}
	k := tx.store.keys
	loc := locationStrip
	if keepLocation {
		loc = locationKeep
	}
	now := tx.time(tx.store.clock())
	for i, r := range refs {
		if _, err := tx.exec(ctx, "InsertMedia", contactID, messageID, channel, i,
			k.seal(aadMediaSource, []byte(r.URL)), r.ClaimedType, loc, now, k.CurrentID()); err != nil {
			return fmt.Errorf("store: insert media: %w", err)
		}
	}
	return nil
}

// AttachIntakeMedia attaches the contact's media sent since the intake's
// first message, not yet attached, to the report just filed; it returns
// how many.
func (tx *Tx) AttachIntakeMedia(ctx context.Context, contactID, firstMessageID, reportID int64) (int64, error) {
	res, err := tx.exec(ctx, "AttachIntakeMedia", contactID, firstMessageID, reportID)
	if err != nil {
		return 0, fmt.Errorf("store: attach media: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// ClaimMedia claims up to limit due attachments for lease: pending ones,
// and ones whose claimer's lease ran out (it died). It is safe with many
// instances (Postgres: FOR UPDATE SKIP LOCKED; SQLite: one writer). The
// token settles the claim: a settle after the lease ran out and another
// claim took the row changes nothing (ErrNotFound).
func (s *Store) ClaimMedia(ctx context.Context, limit int, lease time.Duration) (string, []MediaJob, error) {
	if limit <= 0 || lease <= 0 {
		return "", nil, errors.New("store: ClaimMedia: limit and lease must be positive")
	}
	token := newClaimToken()
	var jobs []MediaJob
	err := s.InTx(ctx, func(tx *Tx) error {
		jobs = jobs[:0]
		now := s.clock()
		rows, err := tx.tx.QueryContext(ctx, query(s.dialect, "ClaimMedia"), tx.time(now), tx.time(now.Add(lease)), token, limit)
		if err != nil {
			return fmt.Errorf("store: claim media: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var j MediaJob
			var src []byte
			var loc string
			if err := rows.Scan(&j.ID, &j.ContactID, &j.MessageID, &j.Channel, &src, &j.ClaimedType, &loc, &j.Attempts); err != nil {
				return fmt.Errorf("store: claim media: %w", err)
			}
			u, err := s.keys.open(aadMediaSource, src)
			if err != nil {
				return fmt.Errorf("store: claim media: %w", err)
			}
			j.URL, j.KeepLocation = string(u), loc == locationKeep
			jobs = append(jobs, j)
		}
		return rows.Err()
	})
	if err != nil {
		return "", nil, err
	}
	return token, jobs, nil
}

// StoreMediaData records the claimed attachment's checked bytes, sealed,
// with the type sniffed from them; the provider's URL is blanked (it is
// no longer needed).
func (s *Store) StoreMediaData(ctx context.Context, token string, id int64, contentType string, data []byte, stripped bool) error {
	k := s.keys
	return settled("store media", affectedOne(s.db.ExecContext(ctx, query(s.dialect, "StoreMediaData"),
		id, token, contentType, len(data), stripped, k.seal(aadMediaData, data), k.seal(aadMediaSource, nil), k.CurrentID(), timeArg(s.dialect, s.clock()))))
}

// RefuseMedia records that the claimed attachment is not kept, and why
// (RefusedType …); whatever was fetched is dropped. When notice is not
// nil and no refusal of the same message queued one yet, notice is
// queued in the outbox in the same transaction (one notice per message,
// never two).
func (s *Store) RefuseMedia(ctx context.Context, token string, id, messageID int64, reason, contentType string, size int, notice *Outbound) error {
	k := s.keys
	return s.InTx(ctx, func(tx *Tx) error {
		if err := settled("refuse media", affectedOne(tx.tx.ExecContext(ctx, query(s.dialect, "RefuseMedia"),
			id, token, reason, contentType, size, k.seal(aadMediaSource, nil), k.CurrentID(), tx.time(s.clock())))); err != nil {
			return err
		}
		if notice == nil {
			return nil
		}
		res, err := tx.exec(ctx, "MarkMediaNotified", messageID)
		if err != nil {
			return fmt.Errorf("store: refuse media: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // a notice for this message is queued already
		}
		if _, err := tx.EnqueueOutbound(ctx, notice); err != nil && !errors.Is(err, ErrDuplicate) {
			return err
		}
		return nil
	})
}

// RetryMedia gives the claimed attachment back, to be fetched again after
// wait.
func (s *Store) RetryMedia(ctx context.Context, token string, id int64, wait time.Duration) error {
	return settled("retry media", affectedOne(s.db.ExecContext(ctx, query(s.dialect, "RetryMedia"), id, token, timeArg(s.dialect, s.clock().Add(wait)))))
}

// ReportMedia lists the report's attachments (metadata only), in the
// order they were sent.
func (s *Store) ReportMedia(ctx context.Context, reportID int64) ([]Media, error) {
	rows, err := s.queryRows(ctx, "ReportMedia", reportID)
	if err != nil {
		return nil, fmt.Errorf("store: report media: %w", err)
	}
	defer rows.Close()
	var out []Media
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			return nil, fmt.Errorf("store: report media: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ReportMediaData returns one stored attachment of the report and its
// bytes, opened; ErrNotFound when the report has no such attachment or it
// holds no bytes (pending or refused).
func (s *Store) ReportMediaData(ctx context.Context, reportID, mediaID int64) (Media, []byte, error) {
	var sealed []byte
	m, err := scanMedia(s.queryRow(ctx, "ReportMediaData", reportID, mediaID), &sealed)
	if errors.Is(err, sql.ErrNoRows) || err == nil && (m.State != MediaStored || len(sealed) == 0) {
		return Media{}, nil, ErrNotFound
	}
	if err != nil {
		return Media{}, nil, fmt.Errorf("store: media: %w", err)
	}
	data, err := s.keys.open(aadMediaData, sealed)
	if err != nil {
		return Media{}, nil, fmt.Errorf("store: media: %w", err)
	}
	return m, data, nil
}

// ContactMediaCount is how many attachments the contact has (tests,
// erasure checks).
func (s *Store) ContactMediaCount(ctx context.Context, contactID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, "ContactMediaCount", contactID).Scan(&n)
	return n, err
}

type scanner interface{ Scan(dest ...any) error }

func scanMedia(r scanner, extra ...any) (Media, error) {
	var m Media
	var loc string
	dest := append([]any{&m.ID, &m.ContactID, &m.MessageID, &m.ReportID, &m.Channel, &m.Position, &m.ClaimedType,
		&m.State, &m.Refusal, &m.ContentType, &m.Size, &loc, &m.Stripped, timeDest{&m.CreatedAt}}, extra...)
	if err := r.Scan(dest...); err != nil {
		return Media{}, err
	}
	m.KeepLocation = loc == locationKeep
	return m, nil
}
