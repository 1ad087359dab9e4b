package sms

import (
	"errors"
	"github.com/rightsline/rightsline/bot/twilio"
	"net/url"
	"testing"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestStatusCallbacks: raw Twilio status callbacks, signed and forged, in
// order and out of order; 21610 opts the recipient out.
func TestStatusCallbacks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		f := newFixture(t, s, nil)
		const phone = "+12025550301"
		f.run(t, phone, "en", []step{{"hello", "*"}})
		sid := newSid()
		steps := []struct {
			name       string
			form       url.Values
			forge      bool
			wantCode   int
			wantStatus string // stored afterwards; "" for none
		}{
			{"forged", statusCallback(sid, "delivered", "", phone), true, 403, ""},
			{"queued", statusCallback(sid, "queued", "", phone), false, 204, "queued"},
			{"sent", statusCallback(sid, "sent", "", phone), false, 204, "sent"},
			{"delivered", statusCallback(sid, "delivered", "", phone), false, 204, "delivered"},
			{"late sent", statusCallback(sid, "sent", "", phone), false, 204, "delivered"},
			{"unknown status", statusCallback(sid, "teleported", "", phone), false, 400, "delivered"},
			{"bad error code", statusCallback(sid, "failed", "x1", phone), false, 400, "delivered"},
		}
		for _, st := range steps {
			var code int
			if st.forge {
				code = f.post(StatusPath, st.form, twilio.Sign("wrong", testBase+StatusPath, st.form)).Code
			} else {
				code = f.signed(StatusPath, st.form).Code
			}
			if code != st.wantCode {
				t.Fatalf("%s: status %d; want %d", st.name, code, st.wantCode)
			}
			r, err := f.st.DeliveryStatus(t.Context(), Channel, sid)
			switch {
			case st.wantStatus == "" && !errors.Is(err, store.ErrNotFound):
				t.Fatalf("%s: stored %+v, %v; want nothing", st.name, r, err)
			case st.wantStatus != "" && (err != nil || r.Status != st.wantStatus):
				t.Fatalf("%s: stored %+v, %v; want %s", st.name, r, err, st.wantStatus)
			}
		}

		// 21610: Twilio says the number replied STOP to it.
		failed := newSid()
		if code := f.signed(StatusPath, statusCallback(failed, "undelivered", "21610", phone)).Code; code != 204 {
			t.Fatalf("21610: status %d", code)
		}
		if !f.contact(phone).OptedOut {
			t.Fatal("21610 did not opt the contact out")
		}
		if r, _ := f.st.DeliveryStatus(t.Context(), Channel, failed); r.ErrorCode != "21610" || r.Status != "undelivered" {
			t.Fatalf("stored %+v", r)
		}
		f.run(t, phone, "en", []step{{"menu", ""}})
		// 21610 for a number we never had: recorded, nothing else.
		if code := f.signed(StatusPath, statusCallback(newSid(), "failed", "21610", "+12025550399")).Code; code != 204 {
			t.Fatalf("unknown number: %d", code)
		}
		if _, err := f.st.ContactByAddress(t.Context(), Channel, "+12025550399"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a status callback created a contact: %v", err)
		}
	})
}
