package sms

import (
	"github.com/rightsline/rightsline/bot/twilio"
	"github.com/rightsline/rightsline/bot/twilio/twiliotest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// Each REST send's status callback names its outbox row, and a callback
// naming a row the dispatcher never recorded as sent (it died, or the
// call timed out after Twilio took the message) marks it sent: it is not
// sent again. A callback with a forged row tag changes nothing.
func TestStatusCallbackNamesTheOutboxRow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		f := newFixture(t, st, nil)
		ctx := t.Context()
		ft := twiliotest.New(t, testAccount, testToken)
		s, err := NewSender(f.cfg, ft.Client())
		if err != nil {
			t.Fatal(err)
		}
		var row store.Outbound
		err = st.InTx(ctx, func(tx *store.Tx) error {
			c, err := tx.ContactForUpdate(ctx, Channel, "+12025550700")
			if err != nil {
				return err
			}
			row = store.Outbound{Channel: Channel, ContactID: c.ID, Address: c.Address, Body: "A staff member answered your report."}
			_, err = tx.EnqueueOutbound(ctx, &row)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		claim, err := st.ClaimOutbound(ctx, Channel, 1, time.Minute)
		if err != nil || len(claim.Rows) != 1 {
			t.Fatalf("claim: %v, %v", claim.Rows, err)
		}
		sid, err := s.Send(ctx, claim.Rows[0])
		if err != nil {
			t.Fatal(err)
		}
		// The dispatcher "dies" here, before MarkOutboundSent.
		cb, err := url.Parse(ft.Messages()[0].Get("StatusCallback"))
		if err != nil || cb.Path != StatusPath || !strings.HasPrefix(cb.Query().Get(twilio.OutboxParam), strconv.FormatInt(row.ID, 10)+".") {
			t.Fatalf("StatusCallback = %v, %v; want the status path naming the row", cb, err)
		}
		path := cb.Path + "?" + cb.RawQuery

		forged := StatusPath + "?" + twilio.OutboxParam + "=" + url.QueryEscape(strings.Split(cb.Query().Get(twilio.OutboxParam), ".")[0]+".0000000000000000")
		if rec := f.signed(forged, statusCallback(sid, "sent", "", row.Address)); rec.Code != 204 {
			t.Fatalf("forged row tag: %d %s", rec.Code, rec.Body)
		}
		if m, _ := st.OutboundByID(ctx, row.ID); m.Status != store.OutboxSending {
			t.Fatalf("a forged tag changed the row: %+v", m)
		}
		if rec := f.signed(path, statusCallback(sid, "sent", "", row.Address)); rec.Code != 204 {
			t.Fatalf("status callback: %d %s", rec.Code, rec.Body)
		}
		m, err := st.OutboundByID(ctx, row.ID)
		if err != nil || m.Status != store.OutboxSent || m.ProviderID != sid || m.DeliveryStatus != "sent" {
			t.Fatalf("row after its callback = %+v, %v; want sent with %s", m, err, sid)
		}
	})
}

// Lookup finds the message Twilio holds for an in-doubt row by recipient,
// body and direction, and never one already matched to another row.
func TestLookupFindsWhatTwilioHas(t *testing.T) {
	t.Parallel()
	ft := twiliotest.New(t, testAccount, testToken)
	s, err := NewSender(testConfig(), ft.Client())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	msg := store.Outbound{ID: 7, Channel: Channel, Address: "+12025550701", Body: "Your report was received."}
	since := time.Now().Add(-time.Minute)
	if id, err := s.Lookup(ctx, msg, since, nil); err != nil || id != "" {
		t.Fatalf("Lookup before any send = %q, %v; want nothing", id, err)
	}
	first, err := s.Send(ctx, msg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(ctx, store.Outbound{ID: 8, Channel: Channel, Address: "+12025550702", Body: msg.Body}); err != nil {
		t.Fatal(err)
	}
	if id, err := s.Lookup(ctx, msg, since, nil); err != nil || id != first {
		t.Fatalf("Lookup = %q, %v; want %s", id, err, first)
	}
	if id, err := s.Lookup(ctx, msg, since, map[string]bool{first: true}); err != nil || id != "" {
		t.Fatalf("Lookup with the only match taken = %q, %v; want nothing", id, err)
	}
	other := msg
	other.Body = "Another text."
	if id, err := s.Lookup(ctx, other, since, nil); err != nil || id != "" {
		t.Fatalf("Lookup of another body = %q, %v; want nothing", id, err)
	}
}
