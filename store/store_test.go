package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// injection is stored verbatim wherever text goes, to show no query is
// built by string concatenation.
const injection = `'); DROP TABLE contacts;-- "x" \ $1 ? ;`

// mustContact finds or creates a contact in its own transaction.
func mustContact(t *testing.T, s *store.Store, channel, address string) store.Contact {
	t.Helper()
	var c store.Contact
	err := s.InTx(t.Context(), func(tx *store.Tx) error {
		var err error
		c, err = tx.ContactForUpdate(t.Context(), channel, address)
		return err
	})
	if err != nil {
		t.Fatalf("ContactForUpdate: %v", err)
	}
	return c
}

// mustInsert inserts m in its own transaction.
func mustInsert(t *testing.T, s *store.Store, m *store.Message) {
	t.Helper()
	if err := s.InTx(t.Context(), func(tx *store.Tx) error { return tx.InsertMessage(t.Context(), m) }); err != nil {
		t.Fatalf("InsertMessage: %v", err)
	}
}

// count returns the number of rows in a table matching where.
func count(t *testing.T, s *store.Store, table, where string, args ...any) int {
	t.Helper()
	var n int
	q := "SELECT count(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	if err := s.DB().QueryRowContext(t.Context(), q, args...).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// conversationVersion reads the version counter, which the API keeps internal.
func conversationVersion(t *testing.T, s *store.Store, contactID int64) int64 {
	t.Helper()
	var v int64
	err := s.DB().QueryRowContext(t.Context(), "SELECT version FROM conversations WHERE contact_id = $1", contactID).Scan(&v)
	if err != nil {
		t.Fatalf("read conversation version: %v", err)
	}
	return v
}

func TestContractContactFindOrCreate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		a := mustContact(t, s, "sms", "+15550001")
		if a.ID == 0 || a.Channel != "sms" || a.Address != "+15550001" || a.Lang != "" || a.OptedOut {
			t.Fatalf("new contact = %+v", a)
		}
		if a.CreatedAt.IsZero() || !a.CreatedAt.Equal(a.UpdatedAt) {
			t.Fatalf("new contact times: created %v updated %v", a.CreatedAt, a.UpdatedAt)
		}
		again := mustContact(t, s, "sms", "+15550001")
		if again != a {
			t.Fatalf("second ContactForUpdate = %+v, want %+v", again, a)
		}
		other := mustContact(t, s, "discord", "+15550001")
		if other.ID == a.ID {
			t.Fatal("same address on another channel got the same contact")
		}
		if n := count(t, s, "contacts", ""); n != 2 {
			t.Fatalf("contacts = %d, want 2", n)
		}

		byID, err := s.ContactByID(ctx, a.ID)
		if err != nil || byID != a {
			t.Fatalf("ContactByID = %+v, %v; want %+v", byID, err, a)
		}
		byAddr, err := s.ContactByAddress(ctx, "sms", "+15550001")
		if err != nil || byAddr != a {
			t.Fatalf("ContactByAddress = %+v, %v; want %+v", byAddr, err, a)
		}

		err = s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SetContactLang(ctx, a.ID, "es"); err != nil {
				return err
			}
			return tx.SetContactOptedOut(ctx, a.ID, true)
		})
		if err != nil {
			t.Fatalf("set lang/opt-out: %v", err)
		}
		got, err := s.ContactByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Lang != "es" || !got.OptedOut || !got.CreatedAt.Equal(a.CreatedAt) || got.UpdatedAt.Before(a.UpdatedAt) {
			t.Fatalf("after updates = %+v (was %+v)", got, a)
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SetContactOptedOut(ctx, a.ID, false) }); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ContactByID(ctx, a.ID); got.OptedOut {
			t.Fatal("opt-out not cleared")
		}
		if _, err := s.ContactByID(ctx, other.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestContractNotFound(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c, err := s.ContactByID(ctx, 424242)
		if !errors.Is(err, store.ErrNotFound) || c != (store.Contact{}) {
			t.Errorf("ContactByID(missing) = %+v, %v; want zero, ErrNotFound", c, err)
		}
		c, err = s.ContactByAddress(ctx, "sms", "+15550404")
		if !errors.Is(err, store.ErrNotFound) || c != (store.Contact{}) {
			t.Errorf("ContactByAddress(missing) = %+v, %v; want zero, ErrNotFound", c, err)
		}
		in, replies, err := s.InboundByExternalID(ctx, "sms", "SMmissing")
		if !errors.Is(err, store.ErrNotFound) || in.ID != 0 || replies != nil {
			t.Errorf("InboundByExternalID(missing) = %+v, %v, %v; want ErrNotFound", in, replies, err)
		}
		if _, _, err := s.InboundByExternalID(ctx, "sms", ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("InboundByExternalID(empty id) err = %v; want ErrNotFound", err)
		}
		if err := s.SetMessageStatus(ctx, "sms", "SMmissing", "delivered"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetMessageStatus(missing) = %v; want ErrNotFound", err)
		}

		contact := mustContact(t, s, "sms", "+15550405")
		err = s.InTx(ctx, func(tx *store.Tx) error {
			state, err := tx.LoadConversation(ctx, contact.ID)
			if !errors.Is(err, store.ErrNotFound) || state != nil {
				t.Errorf("LoadConversation(none) = %q, %v; want nil, ErrNotFound", state, err)
			}
			if err := tx.SetContactLang(ctx, 424242, "es"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("SetContactLang(missing) = %v; want ErrNotFound", err)
			}
			if err := tx.SetContactOptedOut(ctx, 424242, true); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("SetContactOptedOut(missing) = %v; want ErrNotFound", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestContractConversationRoundtrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c := mustContact(t, s, "sms", "+15550002")
		states := [][]byte{
			[]byte(`{"step":"welcome","vars":{"lang":"en"}}`),
			[]byte(`{"step":"ask_landlord","note":` + fmt.Sprintf("%q", injection) + `}`),
			{0x00, 0xff, 0x10, '\'', 0x00}, // opaque means any bytes
			{},
		}
		at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
		for i, want := range states {
			err := s.InTx(ctx, func(tx *store.Tx) error {
				return tx.SaveConversation(ctx, c.ID, want, at.Add(time.Duration(i)*time.Minute))
			})
			if err != nil {
				t.Fatalf("SaveConversation #%d: %v", i, err)
			}
			var got []byte
			err = s.InTx(ctx, func(tx *store.Tx) error {
				var err error
				got, err = tx.LoadConversation(ctx, c.ID)
				return err
			})
			if err != nil {
				t.Fatalf("LoadConversation #%d: %v", i, err)
			}
			if !bytes.Equal(got, want) || got == nil {
				t.Fatalf("LoadConversation #%d = %q, want %q", i, got, want)
			}
			if v := conversationVersion(t, s, c.ID); v != int64(i+1) {
				t.Fatalf("version after save #%d = %d, want %d", i, v, i+1)
			}
		}
		if n := count(t, s, "conversations", ""); n != 1 {
			t.Fatalf("conversations = %d, want 1 (one row per contact)", n)
		}
	})
}

func TestContractMessagesDuplicateAndReplies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c := mustContact(t, s, "sms", "+15550003")

		in := store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: "sms", Body: "HELP", ExternalID: "SM001", Status: "received"}
		var replies []store.Message
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertMessage(ctx, &in); err != nil {
				return err
			}
			for _, body := range []string{"First answer", "Second answer"} {
				out := store.Message{ContactID: c.ID, Direction: store.DirectionOut, Channel: "sms", Body: body, InReplyTo: in.ID, Status: "queued"}
				if err := tx.InsertMessage(ctx, &out); err != nil {
					return err
				}
				replies = append(replies, out)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if in.ID == 0 || in.CreatedAt.IsZero() || in.CreatedAt.Location() != time.UTC {
			t.Fatalf("InsertMessage did not set ID/CreatedAt: %+v", in)
		}

		// The webhook is retried: the insert reports ErrDuplicate, stores
		// nothing, and the transaction stays usable.
		err = s.InTx(ctx, func(tx *store.Tx) error {
			dup := store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: "sms", Body: "HELP", ExternalID: "SM001"}
			err := tx.InsertMessage(ctx, &dup)
			if !errors.Is(err, store.ErrDuplicate) || !store.IsUniqueViolation(err) {
				t.Errorf("duplicate InsertMessage = %v; want ErrDuplicate", err)
			}
			if dup.ID != 0 {
				t.Errorf("duplicate got ID %d", dup.ID)
			}
			return tx.SetContactLang(ctx, c.ID, "en")
		})
		if err != nil {
			t.Fatalf("transaction after duplicate: %v", err)
		}
		if got, _ := s.ContactByID(ctx, c.ID); got.Lang != "en" {
			t.Fatal("write after a duplicate insert was lost")
		}
		if n := count(t, s, "messages", "external_id = $1", "SM001"); n != 1 {
			t.Fatalf("messages with SM001 = %d, want 1", n)
		}

		// The same provider id on another channel, or on an outbound
		// message, is not a duplicate; nor are messages without one.
		mustInsert(t, s, &store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: "discord", Body: "hi", ExternalID: "SM001"})
		mustInsert(t, s, &store.Message{ContactID: c.ID, Direction: store.DirectionOut, Channel: "sms", Body: "x", ExternalID: "SM001"})
		mustInsert(t, s, &store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: "sms", Body: "no id 1"})
		mustInsert(t, s, &store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: "sms", Body: "no id 2"})

		gotIn, gotReplies, err := s.InboundByExternalID(ctx, "sms", "SM001")
		if err != nil {
			t.Fatal(err)
		}
		if gotIn != in {
			t.Fatalf("inbound = %+v, want %+v", gotIn, in)
		}
		if len(gotReplies) != len(replies) {
			t.Fatalf("replies = %+v, want %+v", gotReplies, replies)
		}
		for i := range replies {
			if gotReplies[i] != replies[i] {
				t.Fatalf("reply %d = %+v, want %+v", i, gotReplies[i], replies[i])
			}
		}

		if err := s.SetMessageStatus(ctx, "discord", "SM001", "delivered"); err != nil {
			t.Fatal(err)
		}
		gotIn, _, _ = s.InboundByExternalID(ctx, "discord", "SM001")
		if gotIn.Status != "delivered" {
			t.Fatalf("status = %q, want delivered", gotIn.Status)
		}
		if gotIn, _, _ := s.InboundByExternalID(ctx, "sms", "SM001"); gotIn.Status != "received" {
			t.Fatalf("status on the other channel changed to %q", gotIn.Status)
		}

		_, noReplies, err := s.InboundByExternalID(ctx, "discord", "SM001")
		if err != nil || noReplies == nil || len(noReplies) != 0 {
			t.Fatalf("replies of unanswered message = %v, %v; want empty, nil", noReplies, err)
		}

		bad := store.Message{ContactID: c.ID, Direction: "sideways", Channel: "sms", Body: "x"}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.InsertMessage(ctx, &bad) }); err == nil {
			t.Fatal("InsertMessage accepted a bad direction")
		}
	})
}

func TestContractUniqueViolation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c := mustContact(t, s, "sms", "+15550009")
		_, err := s.DB().ExecContext(ctx,
			"INSERT INTO contacts (channel, address, address_hash, created_at, updated_at) SELECT channel, address, address_hash, created_at, updated_at FROM contacts WHERE id = $1", c.ID)
		if err == nil || !store.IsUniqueViolation(err) {
			t.Fatalf("raw duplicate insert: err = %v; want a unique violation", err)
		}
		if store.IsUniqueViolation(errors.New("other")) || store.IsUniqueViolation(nil) {
			t.Fatal("IsUniqueViolation true for an unrelated error")
		}
	})
}

func TestContractTranscriptOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c := mustContact(t, s, "sms", "+15550004")
		other := mustContact(t, s, "sms", "+15550005")
		base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		var want []store.Message
		for i := range 7 {
			dir := store.DirectionIn
			if i%2 == 1 {
				dir = store.DirectionOut
			}
			m := store.Message{ContactID: c.ID, Direction: dir, Channel: "sms", Body: fmt.Sprintf("msg %d", i), CreatedAt: base.Add(time.Duration(i) * time.Second)}
			mustInsert(t, s, &m)
			want = append(want, m)
			mustInsert(t, s, &store.Message{ContactID: other.ID, Direction: dir, Channel: "sms", Body: "noise"})
		}
		all, err := s.Transcript(ctx, c.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(want) {
			t.Fatalf("transcript has %d messages, want %d", len(all), len(want))
		}
		for i := range want {
			if all[i] != want[i] {
				t.Fatalf("transcript[%d] = %+v, want %+v", i, all[i], want[i])
			}
		}
		last3, err := s.Transcript(ctx, c.ID, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(last3) != 3 || last3[0] != want[4] || last3[2] != want[6] {
			t.Fatalf("Transcript(limit 3) = %+v, want the last three oldest first", last3)
		}
		none, err := s.Transcript(ctx, 424242, 10)
		if err != nil || none == nil || len(none) != 0 {
			t.Fatalf("Transcript(no messages) = %v, %v; want empty, nil", none, err)
		}
	})
}

func TestContractTimesUTCMicrosecond(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c := mustContact(t, s, "sms", "+15550006")
		if c.CreatedAt.Location() != time.UTC || c.UpdatedAt.Location() != time.UTC {
			t.Fatalf("contact times not UTC: %v %v", c.CreatedAt, c.UpdatedAt)
		}
		if c.CreatedAt.Nanosecond()%1000 != 0 {
			t.Fatalf("contact time has sub-microsecond digits: %v", c.CreatedAt)
		}
		if d := time.Since(c.CreatedAt); d < 0 || d > time.Minute {
			t.Fatalf("contact created at %v, not now", c.CreatedAt)
		}

		zone := time.FixedZone("UTC-5", -5*3600)
		cases := []time.Time{
			time.Date(2025, 3, 4, 5, 6, 7, 123456789, zone), // truncated, not rounded
			time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.UTC),
			time.Date(2030, 7, 1, 0, 0, 0, 1000, time.Local),
		}
		for i, at := range cases {
			want := at.Truncate(time.Microsecond).UTC()
			m := store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: "sms", Body: "t", CreatedAt: at, ExternalID: fmt.Sprintf("T%d", i)}
			mustInsert(t, s, &m)
			if !m.CreatedAt.Equal(want) || m.CreatedAt.Location() != time.UTC {
				t.Fatalf("InsertMessage set CreatedAt %v, want %v", m.CreatedAt, want)
			}
			got, _, err := s.InboundByExternalID(ctx, "sms", m.ExternalID)
			if err != nil {
				t.Fatal(err)
			}
			if got.CreatedAt != want { // same instant, UTC location, no monotonic reading
				t.Fatalf("stored %v, read back %v", want, got.CreatedAt)
			}
		}
		got, err := s.ContactByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CreatedAt != c.CreatedAt || got.UpdatedAt != c.UpdatedAt {
			t.Fatalf("contact times read back %v/%v, want %v/%v", got.CreatedAt, got.UpdatedAt, c.CreatedAt, c.UpdatedAt)
		}
	})
}

func TestContractInjectionStoredVerbatim(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c := mustContact(t, s, injection, injection)
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SetContactLang(ctx, c.ID, injection); err != nil {
				return err
			}
			m := store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: injection, Body: injection, ExternalID: injection, Status: injection}
			if err := tx.InsertMessage(ctx, &m); err != nil {
				return err
			}
			return tx.SaveConversation(ctx, c.ID, []byte(injection), time.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.ContactByAddress(ctx, injection, injection)
		if err != nil {
			t.Fatal(err)
		}
		if got.Channel != injection || got.Address != injection || got.Lang != injection {
			t.Fatalf("contact = %+v", got)
		}
		in, _, err := s.InboundByExternalID(ctx, injection, injection)
		if err != nil {
			t.Fatal(err)
		}
		if in.Body != injection || in.Channel != injection || in.ExternalID != injection || in.Status != injection {
			t.Fatalf("message = %+v", in)
		}
		if err := s.SetMessageStatus(ctx, injection, injection, injection+"!"); err != nil {
			t.Fatal(err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			state, err := tx.LoadConversation(ctx, c.ID)
			if err == nil && string(state) != injection {
				err = fmt.Errorf("state = %q", state)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "contacts", ""); n != 1 {
			t.Fatalf("contacts = %d, want 1", n)
		}
	})
}

// TestContractConcurrentContact is the per-contact serialisation guarantee:
// 20 transactions read-modify-write one contact's conversation at the same
// time, half of them through a second, independently opened Store (another
// process, in effect), and no update is lost.
func TestContractConcurrentContact(t *testing.T) {
	t.Parallel()
	// lockers are the two ways to take a contact for a read-modify-write:
	// ContactForUpdate then LoadConversation, or ConversationForUpdate.
	lockers := map[string]func(ctx context.Context, tx *store.Tx, addr string) (store.Contact, []byte, error){
		"two-step": func(ctx context.Context, tx *store.Tx, addr string) (store.Contact, []byte, error) {
			c, err := tx.ContactForUpdate(ctx, "sms", addr)
			if err != nil {
				return c, nil, err
			}
			raw, err := tx.LoadConversation(ctx, c.ID)
			if errors.Is(err, store.ErrNotFound) {
				return c, nil, nil
			}
			return c, raw, err
		},
		"one-step": func(ctx context.Context, tx *store.Tx, addr string) (store.Contact, []byte, error) {
			return tx.ConversationForUpdate(ctx, "sms", addr)
		},
	}
	for mode, lock := range lockers {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			concurrentContact(t, "+15550007-"+mode, lock)
		})
	}
}

func concurrentContact(t *testing.T, addr string, lock func(ctx context.Context, tx *store.Tx, addr string) (store.Contact, []byte, error)) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		s2 := reopen(t, s)
		const workers = 20
		type state struct {
			Counter int    `json:"counter"`
			Step    string `json:"step"`
		}
		start := make(chan struct{})
		errs := make(chan error, workers)
		var attempts atomic.Int64
		var wg sync.WaitGroup
		for i := range workers {
			st := s
			if i%2 == 1 {
				st = s2
			}
			wg.Go(func() {
				<-start
				errs <- st.InTx(ctx, func(tx *store.Tx) error {
					attempts.Add(1)
					c, raw, err := lock(ctx, tx, addr)
					if err != nil {
						return err
					}
					var cur state
					if raw != nil {
						if err := json.Unmarshal(raw, &cur); err != nil {
							return err
						}
					}
					cur.Counter++
					cur.Step = "counted"
					time.Sleep(2 * time.Millisecond) // widen the window a lost update would need
					raw, err = json.Marshal(cur)
					if err != nil {
						return err
					}
					return tx.SaveConversation(ctx, c.ID, raw, time.Now())
				})
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("transaction failed: %v", err)
			}
		}
		c, err := s.ContactByAddress(ctx, "sms", addr)
		if err != nil {
			t.Fatal(err)
		}
		var final state
		err = s.InTx(ctx, func(tx *store.Tx) error {
			raw, err := tx.LoadConversation(ctx, c.ID)
			if err != nil {
				return err
			}
			return json.Unmarshal(raw, &final)
		})
		if err != nil {
			t.Fatal(err)
		}
		if final.Counter != workers {
			t.Fatalf("counter = %d, want %d: updates were lost", final.Counter, workers)
		}
		if v := conversationVersion(t, s, c.ID); v != workers {
			t.Fatalf("version = %d, want %d", v, workers)
		}
		// Taking the lock up front means waiting, never conflicting: a
		// transaction that locked only when it first wrote (SQLite's default
		// DEFERRED mode) would fail with SQLITE_BUSY and need InTx's retries.
		if n := attempts.Load(); n != workers {
			t.Fatalf("%d attempts for %d transactions: some hit a lock conflict and were retried", n, workers)
		}
		if n := count(t, s, "contacts", ""); n != 1 {
			t.Fatalf("contacts = %d, want 1", n)
		}
	})
}

// reopen opens a second Store on the same database as s (the same SQLite
// file, or the same Postgres schema); it closes with the test.
func reopen(t *testing.T, s *store.Store) *store.Store {
	t.Helper()
	ctx := t.Context()
	var dsn string
	switch s.Dialect() {
	case store.SQLite:
		var file string
		if err := s.DB().QueryRowContext(ctx, "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file); err != nil {
			t.Fatal(err)
		}
		dsn = "sqlite:" + file
	case store.Postgres:
		var schema string
		if err := s.DB().QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(storetest.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	s2, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if s.Dialect() == store.Postgres {
		s2.DB().SetMaxOpenConns(8) // as storetest caps the first store
		s2.DB().SetMaxIdleConns(1)
	}
	t.Cleanup(func() { _ = s2.Close() })
	return s2
}

func TestContractReopen(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c := mustContact(t, s, "sms", "+15550008")
		m := store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: "sms", Body: "kept", ExternalID: "SMkeep"}
		mustInsert(t, s, &m)
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SaveConversation(ctx, c.ID, []byte(`{"k":1}`), time.Now()) }); err != nil {
			t.Fatal(err)
		}
		var migrations int
		if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM goose_db_version").Scan(&migrations); err != nil {
			t.Fatal(err)
		}

		s2 := reopen(t, s) // opened while s is still open: migrating again is a no-op
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s3 := reopen(t, s2)
		if err := s2.Close(); err != nil {
			t.Fatal(err)
		}

		got, err := s3.ContactByID(ctx, c.ID)
		if err != nil || got != c {
			t.Fatalf("after reopen ContactByID = %+v, %v; want %+v", got, err, c)
		}
		in, _, err := s3.InboundByExternalID(ctx, "sms", "SMkeep")
		if err != nil || in != m {
			t.Fatalf("after reopen message = %+v, %v; want %+v", in, err, m)
		}
		var after int
		if err := s3.DB().QueryRowContext(ctx, "SELECT count(*) FROM goose_db_version").Scan(&after); err != nil {
			t.Fatal(err)
		}
		if after != migrations {
			t.Fatalf("goose_db_version rows %d after reopening, %d before: migrations ran twice", after, migrations)
		}
		if err := s3.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestContractInTxRollbackAndRetry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()

		sentinel := errors.New("handler failed")
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.ContactForUpdate(ctx, "sms", "+15550010"); err != nil {
				return err
			}
			return sentinel
		})
		if err != sentinel {
			t.Fatalf("InTx = %v; want fn's error unchanged", err)
		}
		if _, err := s.ContactByAddress(ctx, "sms", "+15550010"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("contact survived a rolled-back transaction: %v", err)
		}

		func() {
			defer func() {
				if r := recover(); r != "boom" {
					t.Fatalf("recovered %v; want the panic to propagate", r)
				}
			}()
			_ = s.InTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.ContactForUpdate(ctx, "sms", "+15550011"); err != nil {
					return err
				}
				panic("boom")
			})
		}()
		if _, err := s.ContactByAddress(ctx, "sms", "+15550011"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("contact survived a panicking transaction: %v", err)
		}

		// Contention errors are retried; the last attempt's work is committed.
		attempts := 0
		err = s.InTx(ctx, func(tx *store.Tx) error {
			attempts++
			if _, err := tx.ContactForUpdate(ctx, "sms", "+15550012"); err != nil {
				return err
			}
			if attempts < 3 {
				return fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: "40001"})
			}
			return nil
		})
		if err != nil || attempts != 3 {
			t.Fatalf("InTx = %v after %d attempts; want success on the 3rd", err, attempts)
		}
		if _, err := s.ContactByAddress(ctx, "sms", "+15550012"); err != nil {
			t.Fatalf("contact of the committed attempt: %v", err)
		}
		if n := count(t, s, "contacts", "channel = $1", "sms"); n != 1 {
			t.Fatalf("contacts = %d, want 1", n)
		}

		// It gives up after a few attempts.
		attempts = 0
		err = s.InTx(ctx, func(tx *store.Tx) error {
			attempts++
			return &pgconn.PgError{Code: "40P01"}
		})
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || attempts < 2 || attempts > 10 {
			t.Fatalf("InTx = %v after %d attempts; want the deadlock error after a few", err, attempts)
		}

		// Tx exposes its dialect and the raw transaction for other packages.
		err = s.InTx(ctx, func(tx *store.Tx) error {
			if tx.Dialect() != s.Dialect() {
				return fmt.Errorf("tx dialect %v, store %v", tx.Dialect(), s.Dialect())
			}
			var one int
			return tx.SQL().QueryRowContext(ctx, "SELECT $1 + 0", 1).Scan(&one)
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestOpenSQLiteMemory(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, err := store.Open(ctx, "sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Dialect() != store.SQLite || s.Dialect().String() != "sqlite" {
		t.Fatalf("dialect = %v", s.Dialect())
	}
	c := mustContact(t, s, "sms", "+15550100")
	// Another pooled query must see the same in-memory database.
	got, err := s.ContactByID(ctx, c.ID)
	if err != nil || got != c {
		t.Fatalf("ContactByID = %+v, %v", got, err)
	}
}

func TestOpenRejectsBadURLs(t *testing.T) {
	t.Parallel()
	for _, u := range []string{
		"",
		"mysql://root:secret@localhost/db",
		"sqlite:",
		"sqlite:x.db?_txlock=deferred",
		"not a url",
	} {
		s, err := store.Open(t.Context(), u)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", u)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("Open error leaks the URL: %v", err)
		}
	}
}

func TestOpenPostgresMissingSchema(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", "no_such_schema_for_rightsline")
	u.RawQuery = q.Encode()
	s, err := store.Open(t.Context(), u.String())
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded with a search_path naming no existing schema")
	}
	if !strings.Contains(err.Error(), "search_path") {
		t.Fatalf("err = %v; want it to point at search_path", err)
	}
}

// TestContractInsertReplies stores a step's replies in one statement, in
// order, with their fields intact, and refuses anything but replies.
func TestContractInsertReplies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		var c store.Contact
		in := store.Message{Direction: store.DirectionIn, Channel: "sms", Body: "hola", ExternalID: "SM-replies"}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if c, err = tx.ContactForUpdate(ctx, "sms", "+15550099"); err != nil {
				return err
			}
			in.ContactID = c.ID
			if err := tx.InsertMessage(ctx, &in); err != nil {
				return err
			}
			replies := []store.Message{
				{ContactID: c.ID, Direction: store.DirectionOut, Channel: "sms", Body: "uno", InReplyTo: in.ID, Status: "reply"},
				{ContactID: c.ID, Direction: store.DirectionOut, Channel: "sms", Body: "dos '); DROP TABLE messages;--", InReplyTo: in.ID, Status: "reply"},
				{ContactID: c.ID, Direction: store.DirectionOut, Channel: "sms", Body: "tres", InReplyTo: in.ID, Status: "reply"},
			}
			if err := tx.InsertReplies(ctx, replies); err != nil {
				return err
			}
			if replies[0].CreatedAt.IsZero() {
				t.Error("CreatedAt not set")
			}
			bad := []store.Message{{ContactID: c.ID, Direction: store.DirectionIn, Channel: "sms", Body: "x"}}
			if err := tx.InsertReplies(ctx, bad); err == nil {
				t.Error("an inbound message was accepted as a reply")
			}
			return tx.InsertReplies(ctx, nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		_, got, err := s.InboundByExternalID(ctx, "sms", "SM-replies")
		if err != nil {
			t.Fatal(err)
		}
		var bodies []string
		for _, m := range got {
			if m.InReplyTo != in.ID || m.Status != "reply" || m.ContactID != c.ID {
				t.Fatalf("reply stored as %+v", m)
			}
			bodies = append(bodies, m.Body)
		}
		if strings.Join(bodies, "|") != "uno|dos '); DROP TABLE messages;--|tres" {
			t.Fatalf("replies = %q", bodies)
		}
	})
}
