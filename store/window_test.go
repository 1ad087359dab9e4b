package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestOutboundTemplateAndLastInbound: the template an outbox row is
// queued with reads back as queued (and a row without one reads
// ErrNotFound); LastInbound is the newest inbound message's time, not a
// reply's, and ErrNotFound for a contact who never wrote.
func TestOutboundTemplateAndLastInbound(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		var c store.Contact
		var withID, withoutID int64
		tmpl := &store.OutboundTemplate{ID: "update.status.accepted", Lang: "ko", Vars: map[string]string{"ref": "DC-7Q3K", "commission": "DC OHR"}}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if c, err = tx.ContactForUpdate(ctx, "whatsapp", "+12025550170"); err != nil {
				return err
			}
			if _, err := tx.LastInbound(ctx, c.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("LastInbound of a contact who never wrote: %v; want ErrNotFound", err)
			}
			for i, at := range []time.Time{t0, t0.Add(time.Hour)} {
				m := store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: "whatsapp", Body: "hi", Status: "received", CreatedAt: at, ExternalID: "SM" + string(rune('a'+i))}
				if err := tx.InsertMessage(ctx, &m); err != nil {
					return err
				}
			}
			// A reply later than both is not the person writing.
			if err := tx.InsertMessage(ctx, &store.Message{ContactID: c.ID, Direction: store.DirectionOut, Channel: "whatsapp", Body: "reply", Status: "reply", CreatedAt: t0.Add(2 * time.Hour)}); err != nil {
				return err
			}
			if withID, err = tx.EnqueueOutbound(ctx, &store.Outbound{Channel: "whatsapp", ContactID: c.ID, Address: c.Address, Body: "accepted", Template: tmpl}); err != nil {
				return err
			}
			withoutID, err = tx.EnqueueOutbound(ctx, &store.Outbound{Channel: "whatsapp", ContactID: c.ID, Address: c.Address, Body: "plain"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if at, err := s.LastInbound(ctx, c.ID); err != nil || !at.Equal(t0.Add(time.Hour)) {
			t.Fatalf("LastInbound = %v, %v; want %v", at, err, t0.Add(time.Hour))
		}
		got, err := s.OutboundTemplate(ctx, withID)
		if err != nil || got.ID != tmpl.ID || got.Lang != "ko" || got.Vars["ref"] != "DC-7Q3K" || got.Vars["commission"] != "DC OHR" || len(got.Vars) != 2 {
			t.Fatalf("OutboundTemplate = %+v, %v; want %+v", got, err, *tmpl)
		}
		if _, err := s.OutboundTemplate(ctx, withoutID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a row queued without a template: %v; want ErrNotFound", err)
		}
		if _, err := s.OutboundTemplate(ctx, withoutID+1000); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("no such row: %v; want ErrNotFound", err)
		}
	})
}
