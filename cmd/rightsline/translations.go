package main

import (
	"context"
	"sync"
	"time"

	"github.com/rightsline/rightsline/intake/console"
)

// Translators' edits in the console (translation_edits) are applied over
// the embedded catalog: at start-up, at once in the instance that took the
// edit, and in every other instance within translationPoll, which checks
// the newest edit's id (one indexed query) and re-reads the edits when it
// grew. Rendering never waits on it: the catalog swaps its overlay
// atomically.
const translationPoll = 30 * time.Second

// translationsMu makes each read-and-apply whole, so a slow poll cannot
// put back an older set of edits after the console applied a newer one.
var translationsMu sync.Mutex

// applyTranslations applies the current edits to a.catalog and returns the
// newest edit's id it saw.
func applyTranslations(ctx context.Context, a *app) (int64, error) {
	translationsMu.Lock()
	defer translationsMu.Unlock()
	version, err := a.store.TranslationEditsVersion(ctx)
	if err != nil {
		return 0, err
	}
	n, skipped, err := console.ApplyTranslationEdits(ctx, a.store, a.catalog)
	if err != nil {
		return 0, err
	}
	if n > 0 || len(skipped) > 0 {
		// Message IDs and languages only: no personal data.
		a.log.Info("translation edits applied", "applied", n, "skipped", len(skipped))
		for _, s := range skipped {
			a.log.Debug("translation edit not applied", "why", s)
		}
	}
	return version, nil
}

// runTranslationPoller keeps a.catalog's overlay in step with the edits
// other instances take, until ctx ends.
func runTranslationPoller(ctx context.Context, a *app) error {
	seen, err := applyTranslations(ctx, a)
	if err != nil && ctx.Err() == nil {
		a.log.Error("translation edits", "err", err)
	}
	t := time.NewTicker(translationPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		v, err := a.store.TranslationEditsVersion(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			a.log.Error("translation edits", "err", err)
			continue
		}
		if v == seen {
			continue
		}
		if seen, err = applyTranslations(ctx, a); err != nil && ctx.Err() == nil {
			a.log.Error("translation edits", "err", err)
		}
	}
}
