package media

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Defaults of the worker's settings (MEDIA_* variables).
const (
	DefaultMaxBytes    = 5 << 20
	DefaultMaxAttempts = 6
	DefaultPoll        = time.Second
	DefaultLease       = 2 * time.Minute
	DefaultBatch       = 4
)

// Worker fetches the attachments the runtime stored, one claim at a time.
// Several workers (instances) may run against one database: each claims
// rows with a lease and settles them with its claim's token, so a row is
// fetched again only when its claimer died (its lease ran out), and the
// second settle of a row changes nothing. Fetching runs outside any
// transaction; the webhook that delivered the attachment was answered
// long before.
type Worker struct {
	Store   *store.Store
	Catalog *locales.Catalog
	// Fetchers by channel ("sms", "whatsapp", "discord"). The rows of a
	// channel without one wait.
	Fetchers map[string]Fetcher
	// MaxBytes is the largest file kept (MEDIA_MAX_BYTES); 0 is
	// DefaultMaxBytes.
	MaxBytes int64
	// MaxAttempts is how many fetches a file gets before it is refused as
	// unreachable; 0 is DefaultMaxAttempts. Retries wait 2, 4, 8 … s (at
	// most 10 min).
	MaxAttempts int
	// DeleteAfterFetch deletes a stored file from the provider, for
	// fetchers that can (Twilio: TWILIO_MEDIA_DELETE).
	DeleteAfterFetch bool
	Poll, Lease      time.Duration
	Batch            int
	Log              *slog.Logger
	// OnDone, if set, is told each outcome ("stored", "refused.<reason>",
	// "retry"): a metric.
	OnDone func(channel, outcome string)
}

func (w *Worker) maxBytes() int64 {
	if w.MaxBytes > 0 {
		return w.MaxBytes
	}
	return DefaultMaxBytes
}

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

// Run works until ctx ends, polling every Poll when idle.
func (w *Worker) Run(ctx context.Context) error {
	poll := w.Poll
	if poll <= 0 {
		poll = DefaultPoll
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		n, err := w.Work(ctx)
		if err != nil && ctx.Err() == nil {
			w.log().Warn("media: claiming attachments failed", "err", err)
		}
		if n > 0 && err == nil {
			continue // there may be more
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Work claims one batch and settles every row of it; it returns how many
// rows it claimed.
func (w *Worker) Work(ctx context.Context) (int, error) {
	lease, batch := w.Lease, w.Batch
	if lease <= 0 {
		lease = DefaultLease
	}
	if batch <= 0 {
		batch = DefaultBatch
	}
	token, jobs, err := w.Store.ClaimMedia(ctx, batch, lease)
	if err != nil {
		return 0, err
	}
	for _, j := range jobs {
		if err := w.handle(ctx, token, j); err != nil && !errors.Is(err, store.ErrNotFound) {
			w.log().Warn("media: settling an attachment failed; it is tried again when its lease ends", "media", j.ID, "err", err)
		}
	}
	return len(jobs), nil
}

func (w *Worker) done(channel, outcome string) {
	if w.OnDone != nil {
		w.OnDone(channel, outcome)
	}
}

// handle fetches, checks and stores (or refuses) one claimed row.
func (w *Worker) handle(ctx context.Context, token string, j store.MediaJob) error {
	f, ok := w.Fetchers[j.Channel]
	if !ok {
		// The channel is off on this instance: give the row back for later.
		return w.Store.RetryMedia(ctx, token, j.ID, time.Minute)
	}
	data, err := f.Fetch(ctx, j.URL, w.maxBytes())
	switch {
	case errors.Is(err, ErrTooLarge):
		return w.refuse(ctx, token, j, store.RefusedSize, "", 0)
	case errors.Is(err, ErrGone) && j.Attempts >= 2, err != nil && j.Attempts >= w.maxAttempts():
		// A 404 right after the webhook may be the provider catching up:
		// one more try before giving up.
		w.log().Warn("media: could not fetch an attachment; refused", "media", j.ID, "channel", j.Channel, "attempts", j.Attempts, "err", err)
		return w.refuse(ctx, token, j, store.RefusedFetch, "", 0)
	case err != nil:
		w.done(j.Channel, "retry")
		w.log().Info("media: fetch failed; will retry", "media", j.ID, "channel", j.Channel, "attempt", j.Attempts, "err", err)
		return w.Store.RetryMedia(ctx, token, j.ID, backoff(j.Attempts))
	}
	clean, err := Process(data, j.KeepLocation)
	switch {
	case errors.Is(err, ErrType):
		return w.refuse(ctx, token, j, store.RefusedType, "", len(data))
	case err != nil:
		return w.refuse(ctx, token, j, store.RefusedBroken, Sniff(data), len(data))
	}
	if err := w.Store.StoreMediaData(ctx, token, j.ID, clean.Type, clean.Data, clean.Stripped); err != nil {
		return err
	}
	w.done(j.Channel, "stored")
	if d, ok := f.(Deleter); ok && w.DeleteAfterFetch {
		if err := d.Delete(ctx, j.URL); err != nil {
			w.log().Warn("media: stored, but deleting it from the provider failed (it stays there until deleted by hand)", "media", j.ID, "channel", j.Channel, "err", err)
		}
	}
	return nil
}

func (w *Worker) maxAttempts() int {
	if w.MaxAttempts > 0 {
		return w.MaxAttempts
	}
	return DefaultMaxAttempts
}

func backoff(attempt int) time.Duration {
	d := time.Duration(1<<min(attempt, 10)) * time.Second
	return min(d, 10*time.Minute)
}

// refuse records the refusal and, once per message, queues a short
// notice to the resident in their language saying what is kept.
func (w *Worker) refuse(ctx context.Context, token string, j store.MediaJob, reason, sniffed string, size int) error {
	w.done(j.Channel, "refused."+reason)
	notice, err := w.notice(ctx, j, reason)
	if err != nil {
		w.log().Warn("media: no refusal notice", "media", j.ID, "err", err)
		notice = nil
	}
	return w.Store.RefuseMedia(ctx, token, j.ID, j.MessageID, reason, sniffed, size, notice)
}

// NoticeID is the message a resident gets for a file that is not kept.
func NoticeID(reason string) string {
	switch reason {
	case store.RefusedSize:
		return "media.refused.size"
	case store.RefusedFetch:
		return "media.refused.fetch"
	}
	return "media.refused.type"
}

func (w *Worker) notice(ctx context.Context, j store.MediaJob, reason string) (*store.Outbound, error) {
	if w.Catalog == nil {
		return nil, nil
	}
	c, err := w.Store.ContactByID(ctx, j.ContactID)
	if err != nil {
		return nil, err
	}
	if c.OptedOut {
		return nil, nil
	}
	lang, ok := w.Catalog.ParseLang(c.Lang)
	if !ok {
		lang = locales.English
	}
	body, err := w.Catalog.Text(lang, NoticeID(reason), map[string]string{"mb": megabytes(w.maxBytes())})
	if err != nil {
		return nil, err
	}
	return &store.Outbound{Channel: c.Channel, ContactID: c.ID, Address: c.Address, Body: body,
		DedupeKey: fmt.Sprintf("media-refused:%d", j.MessageID)}, nil
}

// megabytes writes n bytes as megabytes with at most one decimal: "5",
// "0.5".
func megabytes(n int64) string {
	s := strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64)
	return strings.TrimSuffix(s, ".0")
}
