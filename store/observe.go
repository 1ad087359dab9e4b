package store

import (
	"context"
	"fmt"
	"time"
)

// Observer is told what the store did, for metrics. Its methods are called
// on the goroutine that did the work and must return quickly. It is given
// only channels, directions, commission ids and categories: never an
// address, a body or a reference.
type Observer interface {
	// Transaction reports one attempt of InTx: how long it took from BEGIN
	// to COMMIT (or ROLLBACK) and its error (nil when it committed).
	Transaction(d time.Duration, err error)
	// MessageStored reports a message committed to the messages table.
	MessageStored(channel, direction string)
	// ReportFiled reports a committed report; commissionID is "" for the
	// default queue.
	ReportFiled(commissionID, category string)
}

// SetObserver makes o the Store's observer (nil for none). Call it before
// the Store is used concurrently.
func (s *Store) SetObserver(o Observer) { s.observer = o }

// note queues fn to tell the observer about a write once the transaction
// commits; a rolled-back transaction tells nothing.
func (tx *Tx) note(fn func(Observer)) {
	if tx.store.observer != nil {
		tx.committed = append(tx.committed, fn)
	}
}

// BacklogFigures is one channel's unsettled outbox rows.
type BacklogFigures struct {
	Channel string
	// Rows counts rows pending or being sent.
	Rows int
	// Oldest is when the oldest of them was queued.
	Oldest time.Time
}

// OutboxBacklog returns, per channel, how many outbox rows wait to be sent
// (or are being sent) and when the oldest was queued. Channels with none
// are absent.
func (s *Store) OutboxBacklog(ctx context.Context) ([]BacklogFigures, error) {
	rows, err := s.queryRows(ctx, "OutboxBacklog")
	if err != nil {
		return nil, fmt.Errorf("store: outbox backlog: %w", err)
	}
	defer rows.Close()
	var out []BacklogFigures
	for rows.Next() {
		var f BacklogFigures
		if err := rows.Scan(&f.Channel, &f.Rows, timeDest{&f.Oldest}); err != nil {
			return nil, fmt.Errorf("store: outbox backlog: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
