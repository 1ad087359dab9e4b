package store_test

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// dumpCells reads every column of every table of db as text: cells[table.column] = values.
func dumpCells(t *testing.T, s *store.Store) map[string][]string {
	t.Helper()
	ctx := t.Context()
	q := "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name"
	if s.Dialect() == store.SQLite {
		q = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
	}
	rows, err := s.DB().QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	cells := map[string][]string{}
	for _, table := range tables {
		rows, err := s.DB().QueryContext(ctx, "SELECT * FROM "+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.RawBytes, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				cells[table+"."+cols[i]] = append(cells[table+"."+cols[i]], string(v))
			}
		}
		rows.Close()
	}
	return cells
}

// fillEverySealedColumn writes a value into every sealed column the store
// has, through its API: a contact, messages, a conversation, a queued
// message, a report, a staff note, a Discord server, a TOTP secret and an
// opt-out kept by the purge (a suppression).
func fillEverySealedColumn(t *testing.T, s *store.Store) (contactID, staffID int64) {
	t.Helper()
	ctx := t.Context()
	// First one who opted out and has nothing else: the purge keeps a
	// suppression (before the rest exists, which the purge would take).
	err := s.InTx(ctx, func(tx *store.Tx) error {
		o, err := tx.ContactForUpdate(ctx, "sms", "+15550044")
		if err != nil {
			return err
		}
		return tx.SetContactOptedOut(ctx, o.ID, true)
	})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := s.Purge(ctx, store.Retention{Conversations: time.Hour}, time.Now().Add(2*time.Hour)); err != nil || res.Suppressions != 1 {
		t.Fatalf("purge to make a suppression: %+v %v", res, err)
	}
	err = s.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.ContactForUpdate(ctx, "sms", "+15550042")
		if err != nil {
			return err
		}
		contactID = c.ID
		for i := 0; i < 5; i++ {
			m := store.Message{ContactID: c.ID, Direction: "in", Channel: "sms", Body: "secret body"}
			if err := tx.InsertMessage(ctx, &m); err != nil {
				return err
			}
			if i == 0 {
				if err := tx.InsertMedia(ctx, c.ID, m.ID, "sms", []store.MediaRef{{URL: "https://api.twilio.com/secret-1", ClaimedType: "image/jpeg"}, {URL: "https://api.twilio.com/secret-2"}}, false); err != nil {
					return err
				}
			}
		}
		if err := tx.SaveConversation(ctx, c.ID, []byte(`{"vars":{"narrative":"x"}}`), c.CreatedAt); err != nil {
			return err
		}
		if _, err := tx.EnqueueOutbound(ctx, &store.Outbound{Channel: "sms", ContactID: c.ID, Address: "+15550042", Body: "queued secret",
			Template: &store.OutboundTemplate{ID: "update.general", Lang: "en", Vars: map[string]string{"ref": "DC-SECRET"}}}); err != nil {
			return err
		}
		r := store.Report{Reference: "RT-1", ContactID: c.ID, Channel: "sms", Lang: "en", Category: "housing",
			Narrative: "rotate me", RespondentName: "Rotated Respondent", ContactMethod: store.ContactOther, ContactPhone: "+15550043",
			SafeTimes: "mornings", Consent: true}
		if err := tx.InsertReport(ctx, &r); err != nil {
			return err
		}
		if n, err := tx.AttachIntakeMedia(ctx, c.ID, 0, r.ID); err != nil || n != 2 {
			return fmt.Errorf("attach media: %d, %v", n, err)
		}
		return tx.InsertReportNote(ctx, &store.ReportNote{ReportID: r.ID, Body: "note secret"})
	})
	if err != nil {
		t.Fatal(err)
	}
	// One attachment stored (its bytes sealed, its URL blanked), one still
	// pending (its URL sealed).
	token, jobs, err := s.ClaimMedia(ctx, 1, time.Minute)
	if err != nil || len(jobs) != 1 || jobs[0].URL != "https://api.twilio.com/secret-1" {
		t.Fatalf("claim media: %+v %v", jobs, err)
	}
	if err := s.StoreMediaData(ctx, token, jobs[0].ID, "image/jpeg", []byte("photo secret bytes"), true); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDiscordGuild(ctx, &store.DiscordGuild{GuildID: "g1", Jurisdiction: "dc", Lang: "en", UpdatedBy: "774411223366998800"}); err != nil {
		t.Fatal(err)
	}
	st := store.Staff{Email: "rotate@example.org", Name: "R", PasswordHash: "x", Role: store.RoleAdmin}
	if err := s.InsertStaff(ctx, &st); err != nil {
		t.Fatal(err)
	}
	if err := s.BeginTOTP(ctx, st.ID, "JBSWY3DPEHPK3PXP"); err != nil {
		t.Fatal(err)
	}
	if err := s.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertTranslationEdit(ctx, &store.TranslationEdit{Lang: "am", MessageID: "common.help", Text: "ሀ", SourceHash: "h",
			Status: store.TranslationDraft, StaffID: st.ID, StaffName: "Rotating Translator"}); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: st.ID, Action: "login", IP: "198.51.100.23"})
	}); err != nil {
		t.Fatal(err)
	}
	return contactID, st.ID
}

// TestContractRotationCoversEverySealedColumn: every sealed column is
// filled under data key k1 and index key "index"; after a rotation to k2
// and "index-2", no cell of any table holds a value sealed with k1 or an
// index made with "index", every sealed value found is in a column
// store.SealedColumns lists, and a keyring without the old keys reads
// everything and finds every contact. A sealed column added to the store
// and filled here but missing from rotation fails this test.
func TestContractRotationCoversEverySealedColumn(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			k1 := mustKeyring(t, "k1")
			url := storetest.URL(t, backend)
			s1, err := store.Open(ctx, url, store.WithKeys(k1.keys))
			if err != nil {
				t.Fatal(err)
			}
			contactID, staffID := fillEverySealedColumn(t, s1)
			sealedSeen := map[string]bool{}
			for col, vals := range dumpCells(t, s1) {
				for _, v := range vals {
					if strings.HasPrefix(v, "rl1.") {
						sealedSeen[col] = true
					}
				}
			}
			s1.Close()
			var seen []string
			for c := range sealedSeen {
				seen = append(seen, c)
			}
			slices.Sort(seen)
			if !slices.Equal(seen, store.SealedColumns()) {
				t.Fatalf("sealed values found in %v;\nstore.SealedColumns() (what rotation covers) is %v", seen, store.SealedColumns())
			}

			idx2, err := store.NewIndexKey("index-2")
			if err != nil {
				t.Fatal(err)
			}
			k2 := mustKeyring(t, "k2")
			both, err := store.ParseKeys(idx2 + "\n" + k1.index + "\n" + k2.data + "\n" + k1.data)
			if err != nil {
				t.Fatal(err)
			}
			s2, err := store.Open(ctx, url, store.WithKeys(both))
			if err != nil {
				t.Fatal(err)
			}
			// Before rotation, the older index key still finds the contact.
			if c, err := s2.ContactByAddress(ctx, "sms", "+15550042"); err != nil || c.ID != contactID {
				t.Fatalf("contact under index-2+index before rotation: %+v %v", c, err)
			}
			done, err := s2.RotateKeys(ctx, 2, nil)
			if err != nil {
				t.Fatal(err)
			}
			if done["messages"] != 5 || done["staff_totp"] != 1 || done["suppressions"] != 1 || done["contacts"] != 1 ||
				done["staff"] != 1 || done["translation_edits"] != 1 || done["reports"] != 1 {
				t.Fatalf("rotated %v", done)
			}
			if again, err := s2.RotateKeys(ctx, 2, nil); err != nil || again["messages"]+again["contacts"]+again["staff_totp"]+again["suppressions"]+again["staff"]+again["reports"] != 0 {
				t.Fatalf("second rotation %v %v", again, err)
			}
			indexed := store.IndexedColumns()
			for col, vals := range dumpCells(t, s2) {
				for _, v := range vals {
					if strings.HasPrefix(v, "rl1.k1.") {
						t.Errorf("%s still holds a value sealed with k1 after rotation", col)
					}
					if strings.HasPrefix(v, "rl1.") && !slices.Contains(store.SealedColumns(), col) {
						t.Errorf("%s holds sealed values but is not in store.SealedColumns()", col)
					}
				}
				if strings.HasSuffix(col, ".index_key_id") {
					for _, v := range vals {
						if v != "index-2" {
							t.Errorf("%s = %q after rotation", col, v)
						}
					}
					table := strings.TrimSuffix(col, ".index_key_id")
					if !slices.ContainsFunc(indexed, func(c string) bool { return strings.HasPrefix(c, table+".") }) {
						t.Errorf("%s has an index_key_id but store.IndexedColumns() does not re-index it", table)
					}
				}
			}
			s2.Close()

			// Old keys gone: everything reads, every lookup finds.
			idx2Only, err := store.ParseKeys(idx2 + "\n" + k2.data)
			if err != nil {
				t.Fatal(err)
			}
			s3, err := store.Open(ctx, url, store.WithKeys(idx2Only))
			if err != nil {
				t.Fatal(err)
			}
			defer s3.Close()
			if c, err := s3.ContactByAddress(ctx, "sms", "+15550042"); err != nil || c.ID != contactID || c.Address != "+15550042" {
				t.Fatalf("contact after rotation: %+v %v", c, err)
			}
			if msgs, err := s3.Transcript(ctx, contactID, 0); err != nil || len(msgs) != 5 || msgs[0].Body != "secret body" {
				t.Fatalf("messages after rotation: %v %v", msgs, err)
			}
			if r, err := s3.ReportByReference(ctx, "RT-1"); err != nil || r.Narrative != "rotate me" || r.SafeTimes != "mornings" {
				t.Fatalf("report after rotation: %+v %v", r, err)
			}
			if r, err := s3.ReportByReference(ctx, "RT-1"); err != nil {
				t.Fatal(err)
			} else if ms, err := s3.ReportMedia(ctx, r.ID); err != nil || len(ms) != 2 {
				t.Fatalf("media after rotation: %+v %v", ms, err)
			} else if _, data, err := s3.ReportMediaData(ctx, r.ID, ms[0].ID); err != nil || string(data) != "photo secret bytes" {
				t.Fatalf("media bytes after rotation: %q %v", data, err)
			} else if _, jobs, err := s3.ClaimMedia(ctx, 5, time.Minute); err != nil || len(jobs) != 1 || jobs[0].URL != "https://api.twilio.com/secret-2" {
				t.Fatalf("pending media after rotation: %+v %v", jobs, err)
			}
			if tt, err := s3.TOTPOf(ctx, staffID); err != nil || tt.Secret != "JBSWY3DPEHPK3PXP" {
				t.Fatalf("TOTP secret after rotation: %+v %v", tt, err)
			}
			if g, err := s3.DiscordGuild(ctx, "g1"); err != nil || g.UpdatedBy != "774411223366998800" {
				t.Fatalf("guild after rotation: %+v %v", g, err)
			}
			if a, err := s3.AuditPage(ctx, 0, 0, 10); err != nil || len(a) == 0 || a[0].IP != "198.51.100.23" || a[0].StaffEmail != "rotate@example.org" {
				t.Fatalf("audit address after rotation: %+v %v", a, err)
			}
			// The staff e-mail index was re-indexed: sign-in finds the member.
			if st, err := s3.StaffByEmail(ctx, " Rotate@Example.org "); err != nil || st.ID != staffID || st.Email != "rotate@example.org" || st.Name != "R" {
				t.Fatalf("staff by e-mail after rotation: %+v %v", st, err)
			}
			if e, err := s3.CurrentTranslationEdits(ctx, "am"); err != nil || len(e) != 1 || e[0].StaffName != "Rotating Translator" {
				t.Fatalf("translation edit after rotation: %+v %v", e, err)
			}
			// The respondent index was re-indexed: the queue finds the
			// report by its respondent under the new index key alone.
			if items, err := s3.ConsoleQueue(ctx, store.QueueFilter{Scope: "*", Status: "all", RespondentKey: s3.RespondentKey("rotated respondent, LLC")}); err != nil || len(items) != 1 || items[0].Reference != "RT-1" {
				t.Fatalf("queue by respondent after rotation: %+v %v", items, err)
			}
			// The suppression was re-indexed: the number is still opted out.
			err = s3.InTx(ctx, func(tx *store.Tx) error {
				c, err := tx.ContactForUpdate(ctx, "sms", "+15550044")
				if err == nil && !c.OptedOut {
					err = errors.New("the opted-out number lost its opt-out in the index rotation")
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestContractRotationWhileServing: with a new index key added above
// the old one, a contact indexed under the old key is found and re-indexed
// by the next message (no second contact), and a rotation running while
// many requests read and write finishes with every contact found once.
func TestContractRotationWhileServing(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			k1 := mustKeyring(t, "k1")
			url := storetest.URL(t, backend)
			s1, err := store.Open(ctx, url, store.WithKeys(k1.keys))
			if err != nil {
				t.Fatal(err)
			}
			const people = 60
			addr := func(i int) string { return "+1555060" + string(rune('0'+i/10)) + string(rune('0'+i%10)) }
			ids := map[string]int64{}
			for i := 0; i < people; i++ {
				err := s1.InTx(ctx, func(tx *store.Tx) error {
					c, err := tx.ContactForUpdate(ctx, "sms", addr(i))
					if err != nil {
						return err
					}
					ids[addr(i)] = c.ID
					for j := 0; j < 3; j++ {
						if err := tx.InsertMessage(ctx, &store.Message{ContactID: c.ID, Direction: "in", Channel: "sms", Body: "before " + addr(i)}); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			s1.Close()

			idx2, err := store.NewIndexKey("index-2")
			if err != nil {
				t.Fatal(err)
			}
			k2 := mustKeyring(t, "k2")
			both, err := store.ParseKeys(idx2 + "\n" + k1.index + "\n" + k2.data + "\n" + k1.data)
			if err != nil {
				t.Fatal(err)
			}
			s2, err := store.Open(ctx, url, store.WithKeys(both))
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()

			// Serving: readers and writers on every contact while rotation runs
			// in small batches. Every read must succeed and find the same contact.
			var stop atomic.Bool
			var wg sync.WaitGroup
			var reads, writes atomic.Int64
			errs := make(chan error, 16)
			for w := 0; w < 4; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := w; !stop.Load(); i = (i + 4) % people {
						a := addr(i)
						c, err := s2.ContactByAddress(ctx, "sms", a)
						if err != nil || c.ID != ids[a] || c.Address != a {
							errs <- errorf("read %s during rotation: id %d (want %d) %v", a, c.ID, ids[a], err)
							return
						}
						msgs, err := s2.Transcript(ctx, c.ID, 0)
						if err != nil || len(msgs) < 3 || msgs[0].Body != "before "+a {
							errs <- errorf("transcript of %s during rotation: %d messages %v", a, len(msgs), err)
							return
						}
						reads.Add(1)
						if w%2 == 0 {
							err = s2.InTx(ctx, func(tx *store.Tx) error {
								c, err := tx.ContactForUpdate(ctx, "sms", a)
								if err != nil {
									return err
								}
								if c.ID != ids[a] {
									return errorf("write %s during rotation made contact %d, want %d", a, c.ID, ids[a])
								}
								return tx.InsertMessage(ctx, &store.Message{ContactID: c.ID, Direction: "in", Channel: "sms", Body: "during"})
							})
							if err != nil {
								errs <- err
								return
							}
							writes.Add(1)
						}
					}
				}(w)
			}
			time.Sleep(20 * time.Millisecond)
			done, rerr := s2.RotateKeys(ctx, 7, nil)
			time.Sleep(20 * time.Millisecond)
			stop.Store(true)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if rerr != nil {
				t.Fatal(rerr)
			}
			if reads.Load() == 0 || writes.Load() == 0 {
				t.Fatalf("no traffic during rotation (%d reads, %d writes)", reads.Load(), writes.Load())
			}
			t.Logf("%s: rotation rewrote %v while serving %d reads and %d writes", backend, done, reads.Load(), writes.Load())

			// Nothing left under the old keys; the old keys can go.
			only, err := store.ParseKeys(idx2 + "\n" + k2.data)
			if err != nil {
				t.Fatal(err)
			}
			s3, err := store.Open(ctx, url, store.WithKeys(only))
			if err != nil {
				t.Fatal(err)
			}
			defer s3.Close()
			for i := 0; i < people; i++ {
				c, err := s3.ContactByAddress(ctx, "sms", addr(i))
				if err != nil || c.ID != ids[addr(i)] {
					t.Fatalf("after rotation %s: %+v %v", addr(i), c, err)
				}
				msgs, err := s3.Transcript(ctx, c.ID, 0)
				if err != nil || len(msgs) < 3 {
					t.Fatalf("after rotation %s: %d messages %v", addr(i), len(msgs), err)
				}
			}
			var n int
			if err := s3.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM contacts").Scan(&n); err != nil || n != people {
				t.Fatalf("%d contacts after rotation while serving; want %d (no duplicates)", n, people)
			}
		})
	}
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
