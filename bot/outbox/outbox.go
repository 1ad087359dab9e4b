// Package outbox sends the messages other packages enqueue with
// store.Tx.EnqueueOutbound: staff updates to residents, reminders, Discord
// DMs. A Dispatcher claims due rows from the store, hands each to the
// Sender registered for its channel, and records the outcome, with retries,
// exponential backoff, a maximum number of attempts, a per-address send
// rate and a lease, so the claims of an instance that crashed are retried
// by another.
//
// Wiring, once per process:
//
//	d := outbox.New(st, logger)
//	d.Register("sms", smsSender)         // bot/sms.Sender
//	d.Register("discord", discordSender) // anything with Send(ctx, msg)
//	go d.Run(ctx)                         // returns when ctx is done
//
// No message is sent twice on purpose: a row whose last attempt may have
// reached the provider unrecorded (its dispatcher died mid-send, or the
// send timed out) is in doubt, and before sending it again the dispatcher
// asks the provider through the Sender's [Looker], if it has one; a status
// callback naming the row (bot/sms puts the row id in the callback URL)
// marks it sent even sooner. Claims are leased for a short time and kept
// by a heartbeat, so the rows of a dispatcher that died are taken over
// within seconds. One recipient's messages go out in the order they were
// queued, across retries and crashes: the store only ever hands out the
// oldest unfinished row of a contact. The rows of a contact who opted out
// are suppressed, never sent.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/rightsline/rightsline/store"
)

// Sender delivers one outbox message on one channel and returns the
// provider's id for it (Twilio's MessageSid), used to match delivery
// reports. Errors are retried unless wrapped with [Permanent] or
// [ErrOptedOut]; their text is stored, so it must not contain the address
// or the body.
type Sender interface {
	Send(ctx context.Context, msg store.Outbound) (providerID string, err error)
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, msg store.Outbound) (string, error)

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, msg store.Outbound) (string, error) { return f(ctx, msg) }

// ErrOptedOut is returned (possibly wrapped) by a Sender when the provider
// refuses the message because the recipient opted out (Twilio error 21610).
// The row is suppressed and the contact marked as opted out.
var ErrOptedOut = errors.New("outbox: recipient opted out")

// permanentError marks a failure that retrying cannot fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Looker is a Sender that can tell whether the provider already has a
// message: for an in-doubt row, Lookup returns the provider's id of the
// message it holds for msg (sent at or after since, not one of taken,
// which are the ids of the contact's other rows), or "" when it has none.
type Looker interface {
	Lookup(ctx context.Context, msg store.Outbound, since time.Time, taken map[string]bool) (providerID string, err error)
}

// refusal is implemented by errors that are a definite answer from the
// provider (an HTTP error response): the message was not taken. Any other
// error (a timeout, a reset connection) leaves the attempt in doubt.
type refusal interface{ Refused() bool }

// inDoubt reports whether a failed send may have reached the provider.
func inDoubt(err error) bool {
	var r refusal
	return !errors.As(err, &r) || !r.Refused()
}

// Permanent wraps err so the dispatcher fails the row at once instead of
// retrying it (an invalid number, a message the provider will never take).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err was wrapped with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// Defaults for a Dispatcher's settings.
const (
	DefaultMaxAttempts      = 8
	DefaultBaseBackoff      = 30 * time.Second
	DefaultMaxBackoff       = time.Hour
	DefaultSendTimeout      = 30 * time.Second
	DefaultBatch            = 20
	DefaultConcurrency      = 4
	DefaultPollInterval     = 2 * time.Second
	DefaultPerAddressPerMin = 6
	DefaultLease            = 15 * time.Second
	maxErrorText            = 500
)

// Dispatcher works the outbox. Set its fields before Run; it is then safe
// for concurrent use by its own goroutines only.
type Dispatcher struct {
	Store *store.Store
	Log   *slog.Logger
	// MaxAttempts is how many attempts a row gets before it is failed.
	MaxAttempts int
	// BaseBackoff is the wait after the first failed attempt; it doubles
	// with each attempt (with jitter) up to MaxBackoff.
	BaseBackoff, MaxBackoff time.Duration
	// SendTimeout bounds one call to a Sender.
	SendTimeout time.Duration
	// Batch is how many rows one claim takes; Concurrency how many of them
	// are sent at once.
	Batch, Concurrency int
	// PollInterval is the pause after a claim found nothing to do.
	PollInterval time.Duration
	// PerAddressPerMinute caps the messages sent to one address in a
	// minute; a row over the cap waits (its attempt is not counted). The
	// count is kept in memory by each instance, so with several instances
	// an address can get up to that many per instance.
	PerAddressPerMinute int
	// Lease is how long a claim holds its rows without a heartbeat; the
	// dispatcher renews it every Lease/3 while it works, so it bounds how
	// long the rows of a dispatcher that died wait (0: DefaultLease).
	Lease time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// OnOutage, if set, is told when dispatching starts failing (true)
	// and works again (false): a metric. The log says so once each way.
	OnOutage func(failing bool)
	// OnInDoubt, if set, is told how each in-doubt row was settled:
	// "found" (the provider had it), "resent", or "unchecked" (the
	// Sender cannot look up): a metric.
	OnInDoubt func(channel, outcome string)

	senders map[string]Sender
	mu      sync.Mutex
	nextOK  map[string]time.Time // channel+address → earliest next send
}

// New returns a Dispatcher with the default settings.
func New(s *store.Store, log *slog.Logger) *Dispatcher {
	if log == nil {
		log = slog.Default()
	}
	return &Dispatcher{
		Store: s, Log: log,
		MaxAttempts: DefaultMaxAttempts, BaseBackoff: DefaultBaseBackoff, MaxBackoff: DefaultMaxBackoff,
		SendTimeout: DefaultSendTimeout, Batch: DefaultBatch, Concurrency: DefaultConcurrency,
		PollInterval: DefaultPollInterval, PerAddressPerMinute: DefaultPerAddressPerMin,
		Lease: DefaultLease,
	}
}

// Register makes s the Sender for channel's rows. Rows of channels without
// a Sender stay pending. Call it before Run.
func (d *Dispatcher) Register(channel string, s Sender) {
	if d.senders == nil {
		d.senders = map[string]Sender{}
	}
	d.senders[channel] = s
}

// Channels reports how many channels have a Sender.
func (d *Dispatcher) Channels() int { return len(d.senders) }

// Run works the outbox until ctx is done, then returns nil. Store errors
// are retried after the poll interval; an outage is logged once when it
// begins and once when it ends, not at every poll.
func (d *Dispatcher) Run(ctx context.Context) error {
	var failingSince time.Time
	for {
		n, err := d.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		switch {
		case err != nil && failingSince.IsZero():
			failingSince = time.Now()
			d.Log.Error("outbox: dispatch failing (database unreachable?); retrying quietly until it works", "err", err)
			if d.OnOutage != nil {
				d.OnOutage(true)
			}
		case err != nil:
			d.Log.Debug("outbox: dispatch still failing", "err", err)
		case !failingSince.IsZero():
			d.Log.Info("outbox: dispatch works again", "failed_for", time.Since(failingSince).Round(time.Second))
			failingSince = time.Time{}
			if d.OnOutage != nil {
				d.OnOutage(false)
			}
		}
		if n > 0 && err == nil {
			continue // there may be more due right now
		}
		t := time.NewTimer(d.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// RunOnce claims one batch per registered channel and settles every row
// in it. It returns how many rows it claimed.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	total := 0
	var errs []error
	for channel, sender := range d.senders {
		lease := d.lease()
		claimed := time.Now()
		claim, err := d.Store.ClaimOutbound(ctx, channel, d.Batch, lease)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		total += len(claim.Rows)
		if len(claim.Rows) == 0 {
			continue
		}
		hb := d.heartbeat(ctx, claim.Token, claimed, lease)
		sem := make(chan struct{}, max(1, d.Concurrency))
		var wg sync.WaitGroup
		var mu sync.Mutex
		// One person's messages go out in the order they were queued: the
		// claim holds at most the oldest unfinished row of each contact,
		// so rows of different people are sent in parallel.
		for _, rows := range byAddress(claim.Rows) {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				for _, row := range rows {
					if err := d.settle(ctx, sender, claim.Token, hb, row); err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		hb.stop()
	}
	return total, errors.Join(errs...)
}

// lease is the claim's lease: Lease, or DefaultLease.
func (d *Dispatcher) lease() time.Duration {
	if d.Lease > 0 {
		return d.Lease
	}
	return DefaultLease
}

// beat keeps one claim's lease while its rows are settled, and knows until
// when the claim is surely still held: no send starts after that, since
// another dispatcher may have taken the rows over.
type beat struct {
	mu    sync.Mutex
	lease time.Duration
	held  time.Time // the lease is ours until then (by this process's clock)
	done  chan struct{}
	ended chan struct{}
}

// heartbeat renews the claim's lease every lease/3 until stop.
func (d *Dispatcher) heartbeat(ctx context.Context, token string, claimed time.Time, lease time.Duration) *beat {
	b := &beat{lease: lease, held: claimed.Add(lease), done: make(chan struct{}), ended: make(chan struct{})}
	go func() {
		defer close(b.ended)
		t := time.NewTicker(lease / 3)
		defer t.Stop()
		for {
			select {
			case <-b.done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			at := time.Now()
			if _, err := d.Store.ExtendOutboundClaim(ctx, token, d.now().Add(lease)); err != nil {
				d.Log.Debug("outbox: cannot renew the claim's lease", "err", err)
				continue
			}
			b.mu.Lock()
			b.held = at.Add(lease)
			b.mu.Unlock()
		}
	}()
	return b
}

// holds reports whether the claim is surely still ours: more than a
// third of the lease is left. While the heartbeat works two thirds or more
// always are; when it cannot renew, sends stop well before another
// dispatcher may take the rows.
func (b *beat) holds() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return time.Now().Add(b.lease / 3).Before(b.held)
}

func (b *beat) stop() {
	close(b.done)
	<-b.ended
}

// byAddress groups rows by recipient, keeping their order within a group
// and the order of first appearance between groups.
func byAddress(rows []store.Outbound) [][]store.Outbound {
	index := map[string]int{}
	var groups [][]store.Outbound
	for _, r := range rows {
		key := r.Channel + "\x00" + r.Address
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], r)
	}
	return groups
}

// settle sends one claimed row and records what happened.
func (d *Dispatcher) settle(ctx context.Context, sender Sender, token string, hb *beat, row store.Outbound) error {
	log := d.Log.With("outbox", row.ID, "channel", row.Channel, "contact", row.ContactID, "attempt", row.Attempts)
	// The claim suppressed rows of contacts already opted out; look again,
	// since the person may have sent STOP since.
	c, err := d.Store.ContactByID(ctx, row.ContactID)
	if err != nil {
		return fmt.Errorf("outbox: contact of row %d: %w", row.ID, err)
	}
	if c.OptedOut {
		log.Info("outbox: suppressed, contact opted out")
		return ignoreLost(d.Store.SuppressOutbound(ctx, token, row.ID, "contact opted out"))
	}
	if !hb.holds() {
		// The lease could not be renewed (the database is away): another
		// dispatcher may take the row over, so this one must not send it.
		return nil
	}
	if row.InDoubt {
		found, err := d.lookup(ctx, sender, row)
		if err != nil {
			// Neither sent nor known not to be: ask again next time.
			next := d.now().Add(d.backoff(1))
			log.Warn("outbox: in doubt and the provider cannot be asked; will ask again", "err", errorText(err), "next", next)
			return ignoreLost(d.Store.RetryOutbound(ctx, token, row.ID, next, errorText(err), true))
		}
		if found != "" {
			log.Info("outbox: the provider already has it; recorded as sent, not sent again")
			return ignoreLost(d.Store.MarkOutboundSent(ctx, token, row.ID, found))
		}
	}
	if wait, ok := d.reserve(row.Channel + "\x00" + row.Address); !ok {
		return ignoreLost(d.Store.DeferOutbound(ctx, token, row.ID, wait))
	}
	sctx, cancel := context.WithTimeout(ctx, d.SendTimeout)
	providerID, err := sender.Send(sctx, row)
	cancel()
	// Record the outcome even if shutdown began meanwhile: a message the
	// provider took must not be sent again for want of a write.
	ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	switch {
	case err == nil:
		log.Info("outbox: sent")
		return ignoreLost(d.Store.MarkOutboundSent(ctx, token, row.ID, providerID))
	case errors.Is(err, ErrOptedOut):
		log.Info("outbox: provider says recipient opted out; suppressed")
		if err := d.Store.InTx(ctx, func(tx *store.Tx) error { return tx.SetContactOptedOut(ctx, row.ContactID, true) }); err != nil {
			return err
		}
		return ignoreLost(d.Store.SuppressOutbound(ctx, token, row.ID, errorText(err)))
	case IsPermanent(err) || row.Attempts >= d.MaxAttempts:
		log.Warn("outbox: failed for good", "err", errorText(err))
		return ignoreLost(d.Store.FailOutbound(ctx, token, row.ID, errorText(err)))
	default:
		next := d.now().Add(d.backoff(row.Attempts))
		log.Warn("outbox: send failed; will retry", "err", errorText(err), "next", next)
		return ignoreLost(d.Store.RetryOutbound(ctx, token, row.ID, next, errorText(err), inDoubt(err)))
	}
}

// lookup asks the provider whether it already has an in-doubt row's
// message, and returns its id ("" if not). A status callback may have
// recorded it meanwhile; the row read again says so.
func (d *Dispatcher) lookup(ctx context.Context, sender Sender, row store.Outbound) (string, error) {
	if cur, err := d.Store.OutboundByID(ctx, row.ID); err == nil && cur.ProviderID != "" {
		d.inDoubtOutcome(row.Channel, "found")
		return cur.ProviderID, nil
	}
	l, ok := sender.(Looker)
	if !ok {
		d.inDoubtOutcome(row.Channel, "unchecked")
		return "", nil
	}
	taken, err := d.Store.OutboundProviderIDs(ctx, row.Channel, row.ContactID)
	if err != nil {
		return "", err
	}
	sctx, cancel := context.WithTimeout(ctx, d.SendTimeout)
	defer cancel()
	// Queued at CreatedAt, so never sent before it; a minute covers the
	// clocks of the provider and the instances.
	id, err := l.Lookup(sctx, row, row.CreatedAt.Add(-time.Minute), taken)
	if err != nil {
		return "", err
	}
	if id != "" {
		d.inDoubtOutcome(row.Channel, "found")
	} else {
		d.inDoubtOutcome(row.Channel, "resent")
	}
	return id, nil
}

func (d *Dispatcher) inDoubtOutcome(channel, outcome string) {
	if d.OnInDoubt != nil {
		d.OnInDoubt(channel, outcome)
	}
}

// backoff is BaseBackoff·2^(attempt-1), capped at MaxBackoff, with up to
// 20% jitter so retries of many rows don't arrive together.
func (d *Dispatcher) backoff(attempt int) time.Duration {
	b := d.BaseBackoff
	for i := 1; i < attempt && b < d.MaxBackoff; i++ {
		b *= 2
	}
	b = min(b, d.MaxBackoff)
	return b - time.Duration(rand.Int64N(int64(b)/5+1))
}

// reserve takes a send slot for key under PerAddressPerMinute; when there
// is none it returns the time the next one opens.
func (d *Dispatcher) reserve(key string) (time.Time, bool) {
	if d.PerAddressPerMinute <= 0 {
		return time.Time{}, true
	}
	interval := time.Minute / time.Duration(d.PerAddressPerMinute)
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.nextOK == nil {
		d.nextOK = map[string]time.Time{}
	}
	if next, ok := d.nextOK[key]; ok && now.Before(next) {
		return next, false
	}
	d.nextOK[key] = now.Add(interval)
	// Forget addresses whose slot reopened long ago, so the map stays small.
	if len(d.nextOK) > 10000 {
		for k, t := range d.nextOK {
			if now.After(t) {
				delete(d.nextOK, k)
			}
		}
	}
	return time.Time{}, true
}

func (d *Dispatcher) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// ignoreLost drops ErrNotFound from settling a row: the lease expired and
// another claim owns the row now, which settles it.
func ignoreLost(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// errorText is err's text, bounded for storage.
func errorText(err error) string {
	s := err.Error()
	if len(s) > maxErrorText {
		s = s[:maxErrorText]
	}
	return s
}
