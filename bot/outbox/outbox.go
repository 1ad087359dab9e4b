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
// Delivery is at least once: a process that dies between the provider
// accepting a message and the store recording it sends that message again
// after the lease. The rows of a contact who opted out are suppressed,
// never sent.
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
	// Now is the clock; nil means time.Now.
	Now func() time.Time

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
// are logged and retried after the poll interval.
func (d *Dispatcher) Run(ctx context.Context) error {
	for {
		n, err := d.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			d.Log.Error("outbox: dispatch failed", "err", err)
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
		claim, err := d.Store.ClaimOutbound(ctx, channel, d.Batch, d.lease())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		total += len(claim.Rows)
		sem := make(chan struct{}, max(1, d.Concurrency))
		var wg sync.WaitGroup
		var mu sync.Mutex
		// One person's messages go out in the order they were queued: each
		// address's rows are settled one after another (the claim returns
		// them oldest first), different addresses in parallel.
		for _, rows := range byAddress(claim.Rows) {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				for _, row := range rows {
					if err := d.settle(ctx, sender, claim.Token, row); err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
	}
	return total, errors.Join(errs...)
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

// lease covers the worst case of a batch: every send taking SendTimeout,
// Concurrency at a time, plus a margin for the store.
func (d *Dispatcher) lease() time.Duration {
	rounds := (d.Batch + max(1, d.Concurrency) - 1) / max(1, d.Concurrency)
	return time.Duration(rounds)*d.SendTimeout + 30*time.Second
}

// settle sends one claimed row and records what happened.
func (d *Dispatcher) settle(ctx context.Context, sender Sender, token string, row store.Outbound) error {
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
		return ignoreLost(d.Store.RetryOutbound(ctx, token, row.ID, next, errorText(err)))
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
