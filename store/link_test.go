package store_test

import (
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// linkCode asks for a code on contact id.
func linkCode(t *testing.T, s *store.Store, id int64) string {
	t.Helper()
	var code string
	err := s.InTx(t.Context(), func(tx *store.Tx) error {
		var err error
		code, _, err = tx.NewLinkCode(t.Context(), id)
		return err
	})
	if err != nil {
		t.Fatalf("NewLinkCode: %v", err)
	}
	if !regexp.MustCompile(`^[0-9]{6}$`).MatchString(code) {
		t.Fatalf("code %q is not six digits", code)
	}
	return code
}

// redeem types code on contact id.
func redeem(t *testing.T, s *store.Store, id int64, code string) (store.LinkResult, error) {
	t.Helper()
	var res store.LinkResult
	var linkErr error
	err := s.InTx(t.Context(), func(tx *store.Tx) error {
		res, linkErr = tx.RedeemLinkCode(t.Context(), id, code)
		if linkErr != nil && !errors.Is(linkErr, store.ErrLinkCodeInvalid) && !errors.Is(linkErr, store.ErrLinkCodeOwn) &&
			!errors.Is(linkErr, store.ErrLinkAlreadyLinked) && !errors.Is(linkErr, store.ErrLinkTooManyAttempts) {
			return linkErr
		}
		return nil // the attempt counts, as the runtime's committed message does
	})
	if err != nil {
		t.Fatalf("RedeemLinkCode: %v", err)
	}
	return res, linkErr
}

func personIDs(t *testing.T, s *store.Store, id int64) []int64 {
	t.Helper()
	cs, err := s.PersonContacts(t.Context(), id)
	if err != nil {
		t.Fatalf("PersonContacts: %v", err)
	}
	var out []int64
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestContractLinkCodeLinksOnceAndShares(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		sms := mustContact(t, s, "sms", "+15550101")
		dc := mustContact(t, s, "discord", "40000001")
		other := mustContact(t, s, "sms", "+15550199")
		code := linkCode(t, s, sms.ID)
		if n := count(t, s, "link_codes", "code_hash = $1", code); n != 0 {
			t.Fatal("the code is stored in clear")
		}
		if _, err := redeem(t, s, sms.ID, code); !errors.Is(err, store.ErrLinkCodeOwn) {
			t.Fatalf("own code: %v", err)
		}
		res, err := redeem(t, s, dc.ID, code)
		if err != nil || res.Other.ID != sms.ID || res.Other.Channel != "sms" {
			t.Fatalf("redeem = %+v, %v", res, err)
		}
		if got := personIDs(t, s, dc.ID); len(got) != 2 || got[0] != sms.ID || got[1] != dc.ID {
			t.Fatalf("person of discord = %v", got)
		}
		if got := personIDs(t, s, other.ID); len(got) != 1 {
			t.Fatalf("an unlinked contact is alone: %v", got)
		}
		// Reused: the code was spent.
		if _, err := redeem(t, s, other.ID, code); !errors.Is(err, store.ErrLinkCodeInvalid) {
			t.Fatalf("reused code: %v", err)
		}
		// Reports, language and discreet mode are the person's.
		rep := store.Report{Reference: "DC-LINK-01", ContactID: sms.ID, Channel: "sms", Lang: "en", Category: "housing", ContactMethod: store.ContactThis}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertReport(ctx, &rep); err != nil {
				return err
			}
			if err := tx.SetContactLang(ctx, dc.ID, "ko"); err != nil {
				return err
			}
			return tx.SetContactDiscreet(ctx, sms.ID, true)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			rs, err := tx.ReportsByPerson(ctx, dc.ID, 5)
			if err != nil || len(rs) != 1 || rs[0].ID != rep.ID {
				t.Errorf("reports of the discord contact = %v, %v", rs, err)
			}
			if rs, _ := tx.ReportsByPerson(ctx, other.ID, 5); len(rs) != 0 {
				t.Errorf("another person sees %d reports", len(rs))
			}
			if same, _ := tx.SamePerson(ctx, sms.ID, dc.ID); !same {
				t.Error("SamePerson(sms, discord) = false")
			}
			if same, _ := tx.SamePerson(ctx, sms.ID, other.ID); same {
				t.Error("SamePerson(sms, other) = true")
			}
			on, err := tx.ContactDiscreet(ctx, dc.ID)
			if err != nil || !on {
				t.Errorf("discord discreet = %v, %v", on, err)
			}
			return tx.HoldMessage(ctx, sms.ID, "sms", "update held for sms")
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{sms.ID, dc.ID} {
			if c, _ := s.ContactByID(ctx, id); c.Lang != "ko" {
				t.Errorf("contact %d lang %q, want ko", id, c.Lang)
			}
		}
		if c, _ := s.ContactByID(ctx, other.ID); c.Lang != "" {
			t.Errorf("unlinked contact's language changed to %q", c.Lang)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			held, err := tx.ReleaseHeldMessages(ctx, dc.ID)
			if err != nil || len(held) != 1 || held[0].Body != "update held for sms" {
				t.Errorf("held for the person, read on discord = %v, %v", held, err)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// Linking again: already one person.
		if _, err := redeem(t, s, sms.ID, linkCode(t, s, dc.ID)); !errors.Is(err, store.ErrLinkAlreadyLinked) {
			t.Fatalf("link twice: %v", err)
		}
		// Unlink: each keeps its own; nothing is shared any more.
		err = s.InTx(ctx, func(tx *store.Tx) error {
			others, err := tx.Unlink(ctx, dc.ID)
			if err != nil || len(others) != 1 || others[0].ID != sms.ID {
				t.Errorf("Unlink = %v, %v", others, err)
			}
			if err := tx.SetContactLang(ctx, dc.ID, "fr"); err != nil {
				return err
			}
			rs, err := tx.ReportsByPerson(ctx, dc.ID, 5)
			if len(rs) != 0 {
				t.Errorf("after unlinking discord still sees %d reports", len(rs))
			}
			if rs, _ := tx.ReportsByPerson(ctx, sms.ID, 5); len(rs) != 1 {
				t.Errorf("the report stays with the contact that filed it: %d", len(rs))
			}
			if same, _ := tx.SamePerson(ctx, sms.ID, dc.ID); same {
				t.Error("still the same person after unlinking")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := s.ContactByID(ctx, sms.ID); c.Lang != "ko" {
			t.Errorf("after unlinking the sms language followed discord's: %q", c.Lang)
		}
		if n := count(t, s, "persons", "1 = 1"); n != 0 {
			t.Errorf("%d persons left after the only link was undone", n)
		}
	})
}

func TestContractLinkCodeExpiresAndAttemptsLimited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		clk := newClock(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
		s.SetClock(clk.now)
		a := mustContact(t, s, "sms", "+15550201")
		b := mustContact(t, s, "web", "session-link")
		code := linkCode(t, s, a.ID)
		clk.add(store.LinkCodeTTL + time.Second)
		x := mustContact(t, s, "web", "session-expired")
		if _, err := redeem(t, s, x.ID, code); !errors.Is(err, store.ErrLinkCodeInvalid) {
			t.Fatalf("expired code: %v", err)
		}
		// Retention purges expired codes whatever the schedule.
		if _, err := s.Purge(ctx, store.Retention{}, clk.now()); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "link_codes", "1 = 1"); n != 0 {
			t.Fatalf("%d expired codes left after the purge", n)
		}
		code = linkCode(t, s, a.ID)
		wrong := "000000"
		if code == wrong {
			wrong = "000001"
		}
		for i := 1; i < store.LinkAttemptsPerContact.Max; i++ {
			if _, err := redeem(t, s, b.ID, wrong); !errors.Is(err, store.ErrLinkCodeInvalid) {
				t.Fatalf("wrong code %d: %v", i, err)
			}
		}
		// The last allowed attempt, then the right code is refused too.
		if _, err := redeem(t, s, b.ID, wrong); !errors.Is(err, store.ErrLinkCodeInvalid) {
			t.Fatalf("wrong code: %v", err)
		}
		if _, err := redeem(t, s, b.ID, code); !errors.Is(err, store.ErrLinkTooManyAttempts) {
			t.Fatalf("after %d attempts: %v", store.LinkAttemptsPerContact.Max, err)
		}
		if got := personIDs(t, s, b.ID); len(got) != 1 {
			t.Fatalf("linked despite the limit: %v", got)
		}
		// Another contact is not limited by b's attempts, and the code is
		// still live.
		c := mustContact(t, s, "discord", "40000002")
		if res, err := redeem(t, s, c.ID, code); err != nil || res.Other.ID != a.ID {
			t.Fatalf("redeem on another contact = %+v, %v", res, err)
		}
	})
}

func TestContractErasePersonErasesEveryLinkedContact(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		sms := mustContact(t, s, "sms", "+15550301")
		dc := mustContact(t, s, "discord", "40000003")
		web := mustContact(t, s, "web", "session-3")
		keep := mustContact(t, s, "sms", "+15550399")
		if _, err := redeem(t, s, dc.ID, linkCode(t, s, sms.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := redeem(t, s, web.ID, linkCode(t, s, dc.ID)); err != nil {
			t.Fatal(err)
		}
		if got := personIDs(t, s, sms.ID); len(got) != 3 {
			t.Fatalf("three linked: %v", got)
		}
		for _, c := range []store.Contact{sms, dc, web, keep} {
			mustInsert(t, s, &store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: c.Channel, Body: "hello from " + c.Channel})
		}
		rep := store.Report{Reference: "DC-LINK-02", ContactID: sms.ID, Channel: "sms", Lang: "en", Category: "housing", Narrative: "the landlord", ContactMethod: store.ContactThis}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.InsertReport(ctx, &rep) }); err != nil {
			t.Fatal(err)
		}
		// The resident asks on Discord: the message being handled is kept blank.
		var in store.Message
		in = store.Message{ContactID: dc.ID, Direction: store.DirectionIn, Channel: "discord", Body: "YES"}
		mustInsert(t, s, &in)
		var res store.ErasureResult
		err := s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			res, err = tx.ErasePerson(ctx, dc.ID, in.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Withdrawn != 1 || res.Messages != 3 {
			t.Fatalf("erasure = %+v", res)
		}
		for _, c := range []store.Contact{sms, web} {
			if _, err := s.ContactByID(ctx, c.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s contact survived the erasure: %v", c.Channel, err)
			}
		}
		if n := count(t, s, "messages", "contact_id = $1", keep.ID); n != 1 {
			t.Errorf("an unlinked person's messages were erased: %d left", n)
		}
		if n := count(t, s, "persons", "1 = 1"); n != 0 {
			t.Errorf("%d persons left", n)
		}
		if n := count(t, s, "contacts", "person_id IS NOT NULL"); n != 0 {
			t.Errorf("%d contacts still linked", n)
		}
		got, _ := s.ReportByID(ctx, rep.ID)
		if got.Status != store.ReportClosed || got.Narrative != "" {
			t.Errorf("report after erasure: %+v", got)
		}
	})
}
