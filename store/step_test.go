package store_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestContractRecordStep: one step's writes (one statement on Postgres)
// store the inbound message, the state and the replies in order, each
// reply answering the inbound one; a retried provider id writes nothing at
// all, neither state nor replies, and leaves the transaction usable.
func TestContractRecordStep(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c := mustContact(t, s, "sms", "+15550077")
		step := func(sid, body string, state []byte, replies ...string) (store.Message, []store.Message, error) {
			in := store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: "sms", Body: body, ExternalID: sid, Status: "received"}
			var outs []store.Message
			for _, r := range replies {
				outs = append(outs, store.Message{ContactID: c.ID, Direction: store.DirectionOut, Channel: "sms", Body: r, Status: "reply"})
			}
			err := s.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.RecordStep(ctx, &in, state, time.Now(), outs); err != nil {
					return err
				}
				return nil
			})
			return in, outs, err
		}
		in, outs, err := step("SM0000000000000000000000000000077a", "hello", []byte(`{"state":"menu"}`), "Welcome", "Reply 1 or 2", "Third")
		if err != nil {
			t.Fatal(err)
		}
		if in.ID == 0 || in.CreatedAt.IsZero() {
			t.Fatalf("inbound not given an id and time: %+v", in)
		}
		for _, o := range outs {
			if o.InReplyTo != in.ID {
				t.Fatalf("reply %+v does not answer message %d", o, in.ID)
			}
		}
		gotIn, gotReplies, err := s.InboundByExternalID(ctx, "sms", "SM0000000000000000000000000000077a")
		if err != nil {
			t.Fatal(err)
		}
		if gotIn.ID != in.ID || gotIn.Body != "hello" || gotIn.Status != "received" {
			t.Fatalf("inbound read back as %+v", gotIn)
		}
		var bodies []string
		for _, r := range gotReplies {
			if r.InReplyTo != in.ID || r.Status != "reply" || r.Direction != store.DirectionOut {
				t.Fatalf("reply read back as %+v", r)
			}
			bodies = append(bodies, r.Body)
		}
		if want := []string{"Welcome", "Reply 1 or 2", "Third"}; !slices.Equal(bodies, want) {
			t.Fatalf("replies %q, want %q in order", bodies, want)
		}
		loadState := func() []byte {
			var st []byte
			if err := s.InTx(ctx, func(tx *store.Tx) error {
				var err error
				st, err = tx.LoadConversation(ctx, c.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return st
		}
		if st := loadState(); !bytes.Equal(st, []byte(`{"state":"menu"}`)) {
			t.Fatalf("state %q after the step", st)
		}

		// The retry: nothing written, the transaction still usable.
		err = s.InTx(ctx, func(tx *store.Tx) error {
			in := store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: "sms", Body: "hello", ExternalID: "SM0000000000000000000000000000077a", Status: "received"}
			outs := []store.Message{{ContactID: c.ID, Direction: store.DirectionOut, Channel: "sms", Body: "again", Status: "reply"}}
			if err := tx.RecordStep(ctx, &in, []byte(`{"state":"other"}`), time.Now(), outs); !errors.Is(err, store.ErrDuplicate) {
				t.Errorf("retried RecordStep = %v, want ErrDuplicate", err)
			}
			return tx.SetContactLang(ctx, c.ID, "es")
		})
		if err != nil {
			t.Fatalf("transaction after a duplicate: %v", err)
		}
		if st := loadState(); !bytes.Equal(st, []byte(`{"state":"menu"}`)) {
			t.Fatalf("a duplicate step overwrote the state: %q", st)
		}
		if n := count(t, s, "messages", "contact_id = $1", c.ID); n != 4 {
			t.Fatalf("%d messages after a duplicate, want 4", n)
		}
		if got, _ := s.ContactByID(ctx, c.ID); got.Lang != "es" {
			t.Fatal("the write after a duplicate step was lost")
		}

		// A step without replies stores the message and the state.
		if _, _, err := step("SM0000000000000000000000000000077b", "1", []byte(`{"state":"two"}`)); err != nil {
			t.Fatal(err)
		}
		if st := loadState(); !bytes.Equal(st, []byte(`{"state":"two"}`)) {
			t.Fatalf("state %q after a step without replies", st)
		}
	})
}
