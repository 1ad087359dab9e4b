package store

import (
	"context"
	"fmt"
)

// ClearTranscript erases what a person on channel at address said and was
// told: their messages, their conversation state and their queued or sent
// outbox rows, in one transaction that holds the contact's lock (a message
// being handled at the same moment is erased too, or waits and starts a
// new conversation). The contact row itself is deleted unless a report
// references it; the report stays for the staff it was filed with. It is
// the simulator's quick exit; erasing a person everywhere is a different,
// wider operation.
func (s *Store) ClearTranscript(ctx context.Context, channel, address string) error {
	err := s.InTx(ctx, func(tx *Tx) error {
		c, err := tx.ContactForUpdate(ctx, channel, address)
		if err != nil {
			return err
		}
		for _, q := range []string{"QuickExitOutbox", "QuickExitMessages", "QuickExitConversation", "QuickExitContact"} {
			if _, err := tx.exec(ctx, q, c.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: clear transcript: %w", err)
	}
	return nil
}
