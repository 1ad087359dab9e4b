-- Privacy: every keyed index is rotatable (staff_totp.key_id is in 00092,
-- after the table's own migration).
--
-- contacts.index_key_id is the id of the index key its address_hash was
-- made with ('index': the only index key there was before this version);
-- `rightsline keys rotate` recomputes the digests made with an older index
-- key while lookups try the older keys too (store/rotate.go).

-- +goose Up
ALTER TABLE contacts ADD COLUMN index_key_id TEXT NOT NULL DEFAULT 'index';

-- +goose Down
ALTER TABLE contacts DROP COLUMN index_key_id;
