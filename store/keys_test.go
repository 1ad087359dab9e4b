package store_test

import (
	"strings"
	"testing"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

func TestParseKeysRefusesBadKeyrings(t *testing.T) {
	t.Parallel()
	ring, err := store.NewKeyring("k1")
	if err != nil {
		t.Fatal(err)
	}
	k, err := store.ParseKeys(ring)
	if err != nil || k.CurrentID() != "k1" {
		t.Fatalf("ParseKeys(new keyring) = %v, %v", k, err)
	}
	secret := strings.Split(strings.TrimSpace(ring), "\n")[3]
	for name, text := range map[string]string{
		"empty":          "",
		"no index":       secret,
		"no data key":    strings.Split(strings.TrimSpace(ring), "\n")[2],
		"short key":      "index:AAAA, k1:AAAA",
		"bad id":         strings.Replace(ring, "k1:", "k 1!:", 1),
		"twice":          ring + secret,
		"not an entry":   ring + "\nhello",
		"not base64 key": strings.Replace(ring, "k1:", "k1:*", 1),
	} {
		_, err := store.ParseKeys(text)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if b64 := secret[strings.Index(secret, ":")+1:]; strings.Contains(err.Error(), b64) {
			t.Errorf("%s: the error shows the key", name)
		}
	}
	// One line, commas, as an environment variable holds it.
	one := strings.Join(strings.Split(strings.TrimSpace(ring), "\n")[2:], ",")
	if _, err := store.ParseKeys(one); err != nil {
		t.Errorf("comma-separated keyring: %v", err)
	}
}

func TestIndexIsKeyedAndSeparatesParts(t *testing.T) {
	t.Parallel()
	a, b := store.EphemeralKeys(), store.EphemeralKeys()
	if a.Index("contact", "sms", "+1") == b.Index("contact", "sms", "+1") {
		t.Error("two index keys gave the same digest")
	}
	if a.Index("contact", "ab", "c") == a.Index("contact", "a", "bc") {
		t.Error("parts are not separated")
	}
	if a.Index("contact", "x") == a.Index("respondent", "x") {
		t.Error("index names do not separate")
	}
}

// TestContractRotateKeys: rows sealed with k1 read under a keyring whose
// current key is k2; RotateKeys re-seals them all, after which a keyring
// without k1 reads everything.
func TestContractRotateKeys(t *testing.T) {
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
			c := store.Contact{}
			err = s1.InTx(ctx, func(tx *store.Tx) error {
				var err error
				if c, err = tx.ContactForUpdate(ctx, "sms", "+15550042"); err != nil {
					return err
				}
				for i := 0; i < 5; i++ {
					if err := tx.InsertMessage(ctx, &store.Message{ContactID: c.ID, Direction: "in", Channel: "sms", Body: "secret body"}); err != nil {
						return err
					}
				}
				if err := tx.SaveConversation(ctx, c.ID, []byte(`{"vars":{"narrative":"x"}}`), c.CreatedAt); err != nil {
					return err
				}
				return tx.InsertReport(ctx, &store.Report{Reference: "RT-1", ContactID: c.ID, Channel: "sms", Lang: "en", Category: "housing",
					Narrative: "rotate me", ContactMethod: "this", Consent: true})
			})
			if err != nil {
				t.Fatal(err)
			}
			s1.Close()

			// k2 current, k1 still known: old rows read, new rows use k2.
			k2 := mustKeyring(t, "k2")
			both, err := store.ParseKeys(k1.index + "\n" + k2.data + "\n" + k1.data)
			if err != nil {
				t.Fatal(err)
			}
			s2, err := store.Open(ctx, url, store.WithKeys(both))
			if err != nil {
				t.Fatal(err)
			}
			if got, err := s2.ContactByAddress(ctx, "sms", "+15550042"); err != nil || got.ID != c.ID {
				t.Fatalf("contact under k2+k1: %+v %v", got, err)
			}
			done, err := s2.RotateKeys(ctx, 2, nil)
			if err != nil {
				t.Fatal(err)
			}
			if done["messages"] != 5 || done["contacts"] != 1 || done["reports"] != 1 || done["conversations"] != 1 {
				t.Fatalf("rotated %v", done)
			}
			if again, err := s2.RotateKeys(ctx, 2, nil); err != nil || again["messages"] != 0 {
				t.Fatalf("second rotation %v %v", again, err)
			}
			s2.Close()

			// k1 gone: everything still reads.
			only, err := store.ParseKeys(k1.index + "\n" + k2.data)
			if err != nil {
				t.Fatal(err)
			}
			s3, err := store.Open(ctx, url, store.WithKeys(only))
			if err != nil {
				t.Fatal(err)
			}
			defer s3.Close()
			msgs, err := s3.Transcript(ctx, c.ID, 0)
			if err != nil || len(msgs) != 5 || msgs[0].Body != "secret body" {
				t.Fatalf("messages after rotation: %v %v", msgs, err)
			}
			if r, err := s3.ReportByReference(ctx, "RT-1"); err != nil || r.Narrative != "rotate me" {
				t.Fatalf("report after rotation: %+v %v", r, err)
			}
			// A keyring that never held k1 or k2 reads nothing.
			s4, err := store.Open(ctx, url, store.WithKeys(store.EphemeralKeys()))
			if err != nil {
				t.Fatal(err)
			}
			defer s4.Close()
			if _, err := s4.ReportByReference(ctx, "RT-1"); err == nil {
				t.Fatal("a foreign keyring opened the report")
			}
		})
	}
}

type keyring struct {
	keys        *store.Keys
	index, data string
}

func mustKeyring(t *testing.T, id string) keyring {
	t.Helper()
	ring, err := store.NewKeyring(id)
	if err != nil {
		t.Fatal(err)
	}
	k, err := store.ParseKeys(ring)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(ring), "\n")
	return keyring{keys: k, index: lines[2], data: lines[3]}
}
