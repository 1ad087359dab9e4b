package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Outbox row statuses. A row moves pending → sending → sent, failed or
// suppressed; a failed attempt that may succeed later goes back to pending.
const (
	OutboxPending    = "pending"
	OutboxSending    = "sending"
	OutboxSent       = "sent"
	OutboxFailed     = "failed"
	OutboxSuppressed = "suppressed"
)

// Outbound is a message to send to a contact that is not the reply to an
// inbound message: a staff update, a reminder, a Discord DM. It is written
// with [Tx.EnqueueOutbound] in the transaction that decides to send it, so
// it is sent if and only if that transaction commits, and the dispatcher in
// bot/outbox sends it later through the channel's Sender.
type Outbound struct {
	// ID is the store's id, set by EnqueueOutbound.
	ID int64
	// Channel picks the Sender: "sms", "discord" …
	Channel string
	// ContactID is the recipient; the row is suppressed, not sent, if the
	// contact has opted out by the time it is due.
	ContactID int64
	// Address is where the channel delivers (phone number, Discord user
	// id). It is personal data: never log it.
	Address string
	// Body is the text to send, already in the contact's language. It is
	// personal data: never log it.
	Body string
	// Status is one of the Outbox* constants.
	Status string
	// Attempts counts the claims made so far, including the current one.
	Attempts int
	// NextAttemptAt is when the row is next due. EnqueueOutbound sends it
	// as soon as possible when zero.
	NextAttemptAt time.Time
	// ProviderID is the provider's message id once sent (Twilio MessageSid).
	ProviderID string
	// DeliveryStatus is the provider's latest delivery report ("delivered").
	DeliveryStatus string
	// LastError is why the last attempt failed; it holds provider error
	// text, never the address or body.
	LastError string
	// CreatedAt and SentAt are UTC; SentAt is zero until sent.
	CreatedAt, SentAt time.Time
	// ReportID is the report an update is about (0: none), so its
	// delivery shows on the report's page.
	ReportID int64
	// InDoubt is set on a claimed row whose previous attempt may have
	// reached the provider unrecorded: its claimer died mid-send, or the
	// send timed out. The dispatcher asks the provider before sending it
	// again.
	InDoubt bool
	// Template, if set, is the message Body renders: a channel that may
	// not send free text (WhatsApp outside its 24-hour window) sends the
	// approved template configured for it instead. Stored sealed; not
	// read back with the row (OutboundTemplate reads it).
	Template *OutboundTemplate
	// DedupeKey, if set, makes EnqueueOutbound idempotent: a second row
	// with the same key is not stored (ErrDuplicate). Not read back.
	DedupeKey string
}

// Claim is a batch of outbox rows leased to one dispatcher. Only the holder
// of the claim can settle its rows, so a dispatcher that outlived its lease
// cannot overwrite the outcome of the one that took the rows over.
type Claim struct {
	// Token identifies the claim.
	Token string
	// Rows are the claimed rows, status OutboxSending.
	Rows []Outbound
}

// EnqueueOutbound stores m in the outbox, to be sent after the transaction
// commits, and sets m.ID, m.Status and m.CreatedAt. Channel, ContactID,
// Address and Body are required; NextAttemptAt may delay the first attempt.
// With a DedupeKey already used it stores nothing and returns ErrDuplicate
// (the transaction stays usable).
//
// Use it inside your own transaction, so the message exists exactly when
// what it announces does:
//
//	err := s.InTx(ctx, func(tx *store.Tx) error {
//		if err := saveStaffAnswer(ctx, tx, report, answer); err != nil {
//			return err
//		}
//		_, err := tx.EnqueueOutbound(ctx, &store.Outbound{
//			Channel: c.Channel, ContactID: c.ID, Address: c.Address, Body: text,
//		})
//		return err
//	})
//
// The dispatcher (bot/outbox) then hands it to the Sender registered for
// its channel, with retries and backoff.
func (tx *Tx) EnqueueOutbound(ctx context.Context, m *Outbound) (int64, error) {
	if m.Channel == "" || m.ContactID == 0 || m.Address == "" {
		return 0, errors.New("store: EnqueueOutbound: channel, contact and address are required")
	}
	if m.Body == "" {
		return 0, errors.New("store: EnqueueOutbound: body must not be empty")
	}
	now := tx.store.clock()
	due := m.NextAttemptAt
	if due.IsZero() || due.Before(now) {
		due = now
	}
	due = normTime(due)
	var id int64
	k := tx.store.keys
	tmpl := ""
	if m.Template != nil {
		b, err := json.Marshal(m.Template)
		if err != nil {
			return 0, fmt.Errorf("store: EnqueueOutbound: template: %w", err)
		}
		tmpl = string(b)
	}
	var key sql.NullString
	if m.DedupeKey != "" {
		key = sql.NullString{String: m.DedupeKey, Valid: true}
	}
	err := tx.queryRow(ctx, "EnqueueOutbound", m.Channel, m.ContactID, k.sealString(aadOutboxAddress, m.Address),
		k.sealString(aadOutboxBody, m.Body), tx.time(due), tx.time(now), k.CurrentID(), m.ReportID, key, k.sealString(aadOutboxTemplate, tmpl)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrDuplicate
	}
	if err != nil {
		return 0, fmt.Errorf("store: enqueue outbound: %w", err)
	}
	m.ID, m.Status, m.Attempts, m.NextAttemptAt, m.CreatedAt = id, OutboxPending, 0, due, now
	return id, nil
}

// ClaimOutbound leases up to limit due rows of channel to the caller until
// now+lease: pending rows whose time has come and rows whose previous
// claim's lease expired (its dispatcher crashed). Each claimed row's
// Attempts is incremented. Due rows of contacts who opted out are marked
// suppressed and not returned. On Postgres concurrent claimers skip each
// other's rows (FOR UPDATE SKIP LOCKED); on SQLite claims are serialised.
// An empty claim is not an error.
func (s *Store) ClaimOutbound(ctx context.Context, channel string, limit int, lease time.Duration) (Claim, error) {
	if limit <= 0 || lease <= 0 {
		return Claim{}, errors.New("store: ClaimOutbound: limit and lease must be positive")
	}
	claim := Claim{Token: newClaimToken()}
	err := s.InTx(ctx, func(tx *Tx) error {
		claim.Rows = claim.Rows[:0]
		now := s.clock()
		if _, err := tx.exec(ctx, "SuppressOptedOutOutbound", channel, tx.time(now)); err != nil {
			return fmt.Errorf("store: suppress opted-out outbound: %w", err)
		}
		rows, err := outboxTx{tx}.queryRows(ctx, "ClaimOutbound", channel, tx.time(now), tx.time(now.Add(lease)), claim.Token, limit)
		if err != nil {
			return fmt.Errorf("store: claim outbound: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanOutbound(s.keys, rows)
			if err != nil {
				return fmt.Errorf("store: claim outbound: %w", err)
			}
			claim.Rows = append(claim.Rows, m)
		}
		return rows.Err()
	})
	if err != nil {
		return Claim{}, err
	}
	// RETURNING gives no order; settle rows oldest first.
	sortOutbound(claim.Rows)
	return claim, nil
}

// MarkOutboundSent records that the claimed row was sent, with the
// provider's message id. It returns ErrNotFound if the row is no longer
// held by this claim (the lease expired and another claim took it).
func (s *Store) MarkOutboundSent(ctx context.Context, token string, id int64, providerID string) error {
	var pid sql.NullString
	if providerID != "" {
		pid = sql.NullString{String: providerID, Valid: true}
	}
	return settled("mark outbound sent", affectedOne(s.exec(ctx, "MarkOutboundSent", id, token, pid, timeArg(s.dialect, s.clock()))))
}

// RetryOutbound puts the claimed row back to pending, due at next, with
// the reason the attempt failed. The attempt counts towards the maximum.
// inDoubt says the attempt may have reached the provider (a timeout, a
// network error): the next claim then asks the provider before sending.
func (s *Store) RetryOutbound(ctx context.Context, token string, id int64, next time.Time, reason string, inDoubt bool) error {
	return settled("retry outbound", affectedOne(s.exec(ctx, "RetryOutbound", id, token, timeArg(s.dialect, next), reason, inDoubt)))
}

// ExtendOutboundClaim moves the lease of every row the claim still holds
// to until: the dispatcher's heartbeat, so a short lease frees the rows of
// a dispatcher that died within seconds, yet never those of one that is
// merely slow. It reports how many rows the claim still holds.
func (s *Store) ExtendOutboundClaim(ctx context.Context, token string, until time.Time) (int64, error) {
	res, err := s.exec(ctx, "ExtendOutboundClaim", token, timeArg(s.dialect, until))
	if err != nil {
		return 0, fmt.Errorf("store: extend outbound claim: %w", err)
	}
	return res.RowsAffected()
}

// RecordOutboundCallback records that the provider has the message of
// outbox row id on channel, as a status callback naming the row shows:
// a row not yet recorded as sent (its dispatcher crashed or timed out
// after the provider accepted it) becomes sent with providerID, so it is
// never sent again. Rows already ended keep their status. ErrNotFound if
// there is no such row.
func (s *Store) RecordOutboundCallback(ctx context.Context, channel string, id int64, providerID string) error {
	return settled("record outbound callback", affectedOne(s.exec(ctx, "RecordOutboundCallback", id, channel, providerID, timeArg(s.dialect, s.clock()))))
}

// OutboundProviderIDs returns the provider ids recorded on the contact's
// outbox rows of channel, so a lookup for an in-doubt row never takes a
// message already matched to another row.
func (s *Store) OutboundProviderIDs(ctx context.Context, channel string, contactID int64) (map[string]bool, error) {
	rows, err := s.queryRows(ctx, "OutboundProviderIDs", contactID, channel)
	if err != nil {
		return nil, fmt.Errorf("store: outbound provider ids: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: outbound provider ids: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// DeferOutbound puts the claimed row back to pending, due at next, without
// counting the attempt: nothing was tried (e.g. the per-address send rate
// was reached).
func (s *Store) DeferOutbound(ctx context.Context, token string, id int64, next time.Time) error {
	return settled("defer outbound", affectedOne(s.exec(ctx, "DeferOutbound", id, token, timeArg(s.dialect, next))))
}

// FailOutbound ends the claimed row as failed: it will not be tried again.
func (s *Store) FailOutbound(ctx context.Context, token string, id int64, reason string) error {
	return settled("fail outbound", affectedOne(s.exec(ctx, "FinishOutbound", id, token, OutboxFailed, reason)))
}

// SuppressOutbound ends the claimed row as suppressed: it must not be sent
// (the contact opted out).
func (s *Store) SuppressOutbound(ctx context.Context, token string, id int64, reason string) error {
	return settled("suppress outbound", affectedOne(s.exec(ctx, "FinishOutbound", id, token, OutboxSuppressed, reason)))
}

// OutboundByID returns the outbox row, or ErrNotFound.
func (s *Store) OutboundByID(ctx context.Context, id int64) (Outbound, error) {
	m, err := scanOutbound(s.keys, s.queryRow(ctx, "OutboundByID", id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Outbound{}, fmt.Errorf("store: outbound by id: %w", err)
	}
	return m, err
}

// OutboundByContact returns every outbox row of the contact, oldest first;
// an empty slice if there are none.
func (s *Store) OutboundByContact(ctx context.Context, contactID int64) ([]Outbound, error) {
	rows, err := s.queryRows(ctx, "OutboundByContact", contactID)
	if err != nil {
		return nil, fmt.Errorf("store: outbound by contact: %w", err)
	}
	defer rows.Close()
	out := []Outbound{}
	for rows.Next() {
		m, err := scanOutbound(s.keys, rows)
		if err != nil {
			return nil, fmt.Errorf("store: outbound by contact: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// outboxTx adds the multi-row query the claim needs to a transaction.
type outboxTx struct{ *Tx }

// queryRows runs the named multi-row query in the transaction.
func (tx outboxTx) queryRows(ctx context.Context, name string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, query(tx.store.dialect, name), args...)
}

// settled wraps the error of an UPDATE of one claimed row; ErrNotFound
// (the claim no longer holds the row) is returned as is.
func settled(what string, err error) error {
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return err
}

// scanOutbound reads the columns id, channel, contact_id, address, body,
// status, attempts, next_attempt_at, provider_id, delivery_status,
// last_error, created_at, sent_at, in_doubt.
// The address and body are sealed at rest and opened here.
func scanOutbound(k *Keys, row interface{ Scan(...any) error }) (Outbound, error) {
	var m Outbound
	var pid sql.NullString
	var sent outboxTime
	err := row.Scan(&m.ID, &m.Channel, &m.ContactID, &m.Address, &m.Body, &m.Status, &m.Attempts,
		timeDest{&m.NextAttemptAt}, &pid, &m.DeliveryStatus, &m.LastError, timeDest{&m.CreatedAt}, &sent, &m.InDoubt)
	if errors.Is(err, sql.ErrNoRows) {
		return Outbound{}, ErrNotFound
	}
	if err != nil {
		return Outbound{}, err
	}
	m.ProviderID = pid.String
	m.SentAt = sent.t
	if m.Address, err = k.openString(aadOutboxAddress, m.Address); err != nil {
		return Outbound{}, err
	}
	if m.Body, err = k.openString(aadOutboxBody, m.Body); err != nil {
		return Outbound{}, err
	}
	return m, nil
}

// Additional data of the outbox's sealed columns.
var (
	aadOutboxAddress  = sealedColumn("outbox", "address")
	aadOutboxBody     = sealedColumn("outbox", "body")
	aadOutboxTemplate = sealedColumn("outbox", "template")
)

// OutboundTemplate is the catalog message an outbox body renders: its id,
// language and variables (the report's reference …). Personal data: it
// is sealed with the row.
type OutboundTemplate struct {
	ID   string            `json:"id"`
	Lang string            `json:"lang"`
	Vars map[string]string `json:"vars,omitempty"`
}

// OutboundTemplate returns the template outbox row id was queued with;
// ErrNotFound when the row does not exist or has none.
func (s *Store) OutboundTemplate(ctx context.Context, id int64) (OutboundTemplate, error) {
	var sealed string
	err := s.queryRow(ctx, "OutboundTemplate", id).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) || err == nil && sealed == "" {
		return OutboundTemplate{}, ErrNotFound
	}
	if err != nil {
		return OutboundTemplate{}, fmt.Errorf("store: outbound template: %w", err)
	}
	plain, err := s.keys.openString(aadOutboxTemplate, sealed)
	if err != nil {
		return OutboundTemplate{}, fmt.Errorf("store: outbound template: %w", err)
	}
	var t OutboundTemplate
	if err := json.Unmarshal([]byte(plain), &t); err != nil {
		return OutboundTemplate{}, fmt.Errorf("store: outbound template: %w", err)
	}
	return t, nil
}

// LastInbound returns when the contact last wrote (its newest stored
// inbound message); ErrNotFound when none is stored (never, or purged by
// retention).
func (s *Store) LastInbound(ctx context.Context, contactID int64) (time.Time, error) {
	return lastInbound(s.queryRow(ctx, "LastInbound", contactID))
}

// LastInbound is Store.LastInbound inside the transaction (the console's
// note on how an update will be sent).
func (tx *Tx) LastInbound(ctx context.Context, contactID int64) (time.Time, error) {
	return lastInbound(tx.queryRow(ctx, "LastInbound", contactID))
}

func lastInbound(row *sql.Row) (time.Time, error) {
	var at time.Time
	err := row.Scan(timeDest{&at})
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, ErrNotFound
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: last inbound: %w", err)
	}
	return at, nil
}

// outboxTime scans a nullable time column; NULL leaves the zero time.
type outboxTime struct{ t time.Time }

// Scan implements sql.Scanner.
func (d *outboxTime) Scan(src any) error {
	if src == nil {
		d.t = time.Time{}
		return nil
	}
	return timeDest{&d.t}.Scan(src)
}

// sortOutbound orders rows by due time, then id (insertion sort: claims
// are small).
func sortOutbound(rows []Outbound) {
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && outboundBefore(rows[j], rows[j-1]); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

func outboundBefore(a, b Outbound) bool {
	if !a.NextAttemptAt.Equal(b.NextAttemptAt) {
		return a.NextAttemptAt.Before(b.NextAttemptAt)
	}
	return a.ID < b.ID
}

// newClaimToken returns a random claim token.
func newClaimToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
