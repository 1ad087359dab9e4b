package store_test

import (
	"bytes"
	"errors"
	"fmt"
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

// TestContractStepAtCommit: InConversation hands fn the contact locked
// with its state, and a step written with RecordStepAtCommit (sent with
// the COMMIT on Postgres) is stored whole, or, for a retried provider id,
// not at all and with everything else the transaction did undone; a
// statement after the step sends it first, in order; the connection is
// fit for the next transaction after a duplicate.
func TestContractStepAtCommit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		const phone = "+15550078"
		step := func(c store.Contact, sid, body string, state string, replies ...string) (*store.Message, []store.Message) {
			in := &store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: "sms", Body: body, ExternalID: sid, Status: "received"}
			var outs []store.Message
			for _, r := range replies {
				outs = append(outs, store.Message{ContactID: c.ID, Direction: store.DirectionOut, Channel: "sms", Body: r, Status: "reply"})
			}
			return in, outs
		}
		// A new contact: created, no state.
		var in *store.Message
		var outs []store.Message
		var id int64
		err := s.InConversation(ctx, "sms", phone, func(tx *store.Tx, c store.Contact, state []byte) error {
			if c.ID == 0 || c.Address != phone || state != nil {
				t.Errorf("new contact %+v with state %q", c, state)
			}
			id = c.ID
			in, outs = step(c, "SM0000000000000000000000000000078a", "hello", "", "Welcome", "Reply 1 or 2")
			return tx.RecordStepAtCommit(ctx, in, []byte(`{"state":"menu"}`), time.Now(), outs)
		})
		if err != nil {
			t.Fatal(err)
		}
		if in.ID == 0 || in.CreatedAt.IsZero() || outs[0].InReplyTo != in.ID || outs[1].InReplyTo != in.ID {
			t.Fatalf("after commit: inbound %+v, replies %+v", in, outs)
		}
		_, got, err := s.InboundByExternalID(ctx, "sms", "SM0000000000000000000000000000078a")
		if err != nil || len(got) != 2 || got[0].Body != "Welcome" || got[1].Body != "Reply 1 or 2" {
			t.Fatalf("stored replies %+v, %v", got, err)
		}

		// The retry: the contact is found with its state; an
		// interceptor's write and the step are both undone.
		for range 3 { // the connection goes back clean each time
			err = s.InConversation(ctx, "sms", phone, func(tx *store.Tx, c store.Contact, state []byte) error {
				if c.ID != id || string(state) != `{"state":"menu"}` {
					t.Errorf("found contact %d (want %d) with state %q", c.ID, id, state)
				}
				if err := tx.SetContactLang(ctx, c.ID, "es"); err != nil {
					return err
				}
				in, outs := step(c, "SM0000000000000000000000000000078a", "hello", "", "again")
				return tx.RecordStepAtCommit(ctx, in, []byte(`{"state":"other"}`), time.Now(), outs)
			})
			if !errors.Is(err, store.ErrDuplicate) {
				t.Fatalf("retried step: %v, want ErrDuplicate", err)
			}
		}
		if got, _ := s.ContactByID(ctx, id); got.Lang == "es" {
			t.Fatal("a duplicate step kept the transaction's other write")
		}
		if n := count(t, s, "messages", "contact_id = $1", id); n != 3 {
			t.Fatalf("%d messages after a duplicate, want 3", n)
		}

		// A statement after the step: the step goes first.
		var afterID int64
		err = s.InConversation(ctx, "sms", phone, func(tx *store.Tx, c store.Contact, state []byte) error {
			if string(state) != `{"state":"menu"}` {
				t.Errorf("state %q after a duplicate", state)
			}
			in, outs = step(c, "SM0000000000000000000000000000078b", "1", "", "Housing")
			if err := tx.RecordStepAtCommit(ctx, in, []byte(`{"state":"housing"}`), time.Now(), outs); err != nil {
				return err
			}
			if err := tx.SetContactLang(ctx, c.ID, "fr"); err != nil {
				return err
			}
			afterID = in.ID
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if afterID == 0 {
			t.Fatal("the step was not sent before the statement after it")
		}
		if got, _ := s.ContactByID(ctx, id); got.Lang != "fr" {
			t.Fatal("the write after the step was lost")
		}
		// … and a duplicate found that way fails the transaction.
		err = s.InConversation(ctx, "sms", phone, func(tx *store.Tx, c store.Contact, state []byte) error {
			if string(state) != `{"state":"housing"}` {
				t.Errorf("state %q after the second step", state)
			}
			in, outs := step(c, "SM0000000000000000000000000000078b", "1", "")
			if err := tx.RecordStepAtCommit(ctx, in, []byte(`{"state":"x"}`), time.Now(), outs); err != nil {
				return err
			}
			return tx.SetContactLang(ctx, c.ID, "vi")
		})
		if !errors.Is(err, store.ErrDuplicate) {
			t.Fatalf("duplicate step then a statement: %v, want ErrDuplicate", err)
		}
		if got, _ := s.ContactByID(ctx, id); got.Lang != "fr" {
			t.Fatalf("lang %q: a failed transaction kept a write", got.Lang)
		}
		if n := count(t, s, "messages", "contact_id = $1", id); n != 5 {
			t.Fatalf("%d messages, want 5", n)
		}
		// fn's error rolls the queued step back.
		boom := errors.New("boom")
		err = s.InConversation(ctx, "sms", phone, func(tx *store.Tx, c store.Contact, state []byte) error {
			in, outs := step(c, "SM0000000000000000000000000000078c", "2", "")
			if err := tx.RecordStepAtCommit(ctx, in, []byte(`{"state":"y"}`), time.Now(), outs); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("fn's error: %v", err)
		}
		if _, _, err := s.InboundByExternalID(ctx, "sms", "SM0000000000000000000000000000078c"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a step of a failed transaction was stored: %v", err)
		}
	})
}

// TestContractSetContactLangAtCommit: a language set with the step (sent
// with the COMMIT on Postgres) is kept with it and is undone with a
// duplicate step.
func TestContractSetContactLangAtCommit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		const phone = "+15550079"
		run := func(sid, lang string) (int64, error) {
			var id int64
			err := s.InConversation(ctx, "sms", phone, func(tx *store.Tx, c store.Contact, state []byte) error {
				id = c.ID
				in := &store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: "sms", Body: "hola", ExternalID: sid, Status: "received"}
				outs := []store.Message{{ContactID: c.ID, Direction: store.DirectionOut, Channel: "sms", Body: "Bienvenida", Status: "reply"}}
				if err := tx.RecordStepAtCommit(ctx, in, []byte(`{"state":"menu"}`), time.Now(), outs); err != nil {
					return err
				}
				return tx.SetContactLangAtCommit(ctx, c.ID, lang)
			})
			return id, err
		}
		id, err := run("SM0000000000000000000000000000079a", "es")
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ContactByID(ctx, id); got.Lang != "es" {
			t.Fatalf("lang %q after the step, want es", got.Lang)
		}
		if _, err := run("SM0000000000000000000000000000079a", "fr"); !errors.Is(err, store.ErrDuplicate) {
			t.Fatalf("retried step: %v, want ErrDuplicate", err)
		}
		if got, _ := s.ContactByID(ctx, id); got.Lang != "es" {
			t.Fatalf("lang %q: a duplicate step kept its language", got.Lang)
		}
		if n := count(t, s, "messages", "contact_id = $1", id); n != 2 {
			t.Fatalf("%d messages, want 2", n)
		}
		if _, err := run("SM0000000000000000000000000000079b", "vi"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ContactByID(ctx, id); got.Lang != "vi" {
			t.Fatalf("lang %q after the second step, want vi", got.Lang)
		}
	})
}

// TestContractAllowInConversation: a rate limit counted in InConversation
// (on Postgres from the bucket read with the contact's lock, the hit sent
// with the COMMIT) decides and counts exactly as Allow does; a duplicate
// step takes its hit back; a second hit in one transaction counts on.
func TestContractAllowInConversation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		const phone = "+15550079"
		lim := store.Limit{Name: "test-peek", Max: 2, Window: time.Hour}
		msg := func(sid string, hits int) ([]store.Verdict, error) {
			var vs []store.Verdict
			err := s.InConversation(ctx, "sms", phone, func(tx *store.Tx, c store.Contact, state []byte) error {
				vs = nil
				for range hits {
					v, err := tx.Allow(ctx, lim, phone)
					if err != nil {
						return err
					}
					vs = append(vs, v)
				}
				in := &store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: "sms", Body: "hi", ExternalID: sid, Status: "received"}
				return tx.RecordStepAtCommit(ctx, in, []byte(`{}`), time.Now(), nil)
			}, lim)
			return vs, err
		}
		want := []struct {
			count         int64
			allowed, once bool
		}{{1, true, false}, {2, true, false}, {3, false, true}, {4, false, false}}
		for i, w := range want {
			vs, err := msg(fmt.Sprintf("SM00000000000000000000000000000%03d", i), 1)
			if err != nil {
				t.Fatal(err)
			}
			if v := vs[0]; v.Count != w.count || v.Allowed != w.allowed || v.FirstRefusal != w.once || v.RetryAfter <= 0 || v.RetryAfter > time.Hour {
				t.Fatalf("message %d: %+v, want count %d allowed %v first refusal %v", i+1, v, w.count, w.allowed, w.once)
			}
		}
		if _, err := msg("SM00000000000000000000000000000001", 1); !errors.Is(err, store.ErrDuplicate) {
			t.Fatalf("duplicate: %v", err)
		}
		vs, err := msg("SM00000000000000000000000000000009", 2)
		if err != nil {
			t.Fatal(err)
		}
		if vs[0].Count != 5 || vs[1].Count != 6 {
			t.Fatalf("after a duplicate, two hits counted %d and %d, want 5 and 6", vs[0].Count, vs[1].Count)
		}
		v, err := s.Allow(ctx, lim, phone)
		if err != nil || v.Count != 7 {
			t.Fatalf("Allow outside: %+v, %v; want count 7", v, err)
		}
	})
}
