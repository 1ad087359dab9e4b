package store_test

import (
	"testing"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestContractOpenSealsLegacyContacts: a contact written before encryption
// (its address in clear, no key, no address index) is sealed and indexed
// by the next Open, which then finds it by its address; an Open with
// nothing left to seal changes nothing (it asks one query first).
func TestContractOpenSealsLegacyContacts(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			k := mustKeyring(t, "k1")
			url := storetest.URL(t, backend)
			s1, err := store.Open(ctx, url, store.WithKeys(k.keys))
			if err != nil {
				t.Fatal(err)
			}
			var id int64
			err = s1.InTx(ctx, func(tx *store.Tx) error {
				c, err := tx.ContactForUpdate(ctx, "sms", "+15550177")
				id = c.ID
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s1.DB().ExecContext(ctx, "UPDATE contacts SET address = '+15550177', key_id = '', address_hash = NULL, index_key_id = '' WHERE id = $1", id); err != nil {
				t.Fatal(err)
			}
			s1.Close()
			for range 2 {
				s2, err := store.Open(ctx, url, store.WithKeys(k.keys))
				if err != nil {
					t.Fatal(err)
				}
				if c, err := s2.ContactByAddress(ctx, "sms", "+15550177"); err != nil || c.ID != id {
					t.Fatalf("legacy contact after Open: %+v %v", c, err)
				}
				var address, keyID string
				var hashed bool
				if err := s2.DB().QueryRowContext(ctx, "SELECT address, key_id, address_hash IS NOT NULL FROM contacts WHERE id = $1", id).Scan(&address, &keyID, &hashed); err != nil {
					t.Fatal(err)
				}
				if address == "+15550177" || keyID != "k1" || !hashed {
					t.Fatalf("legacy contact not sealed: address in clear %v, key %q, indexed %v", address == "+15550177", keyID, hashed)
				}
				s2.Close()
			}
		})
	}
}
