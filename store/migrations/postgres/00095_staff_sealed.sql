-- Privacy: staff e-mail addresses and names are sealed with the data key
-- like every personal field (key_id; '' for rows written before this
-- version, which the store seals when it opens and `rightsline keys
-- rotate` re-seals). Sign-in finds a member by email_hash, the keyed HMAC
-- of the trimmed, lower-cased address, made with the index key
-- index_key_id (re-indexed by rotation like contacts). A translator's
-- signature on an edit (translation_edits.staff_name) is sealed too.
--
-- Texts that named a member by e-mail (audit details, assignment events)
-- now name them by id ("staff#<id>"), rendered with the member's opened
-- e-mail when read; the rows written before this version are rewritten
-- here, while the e-mail addresses are still readable.

-- +goose Up
ALTER TABLE staff ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN email_hash TEXT;
ALTER TABLE staff ADD COLUMN index_key_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX staff_email_hash_key ON staff (email_hash);
ALTER TABLE translation_edits ADD COLUMN key_id TEXT NOT NULL DEFAULT '';

UPDATE audit_log AS a SET detail = (
    SELECT replace(a.detail, s.email, 'staff#' || CAST(s.id AS TEXT)) FROM staff AS s
    WHERE s.email <> '' AND strpos(a.detail, s.email) > 0
    ORDER BY length(s.email) DESC, s.id LIMIT 1)
WHERE EXISTS (SELECT 1 FROM staff AS s WHERE s.email <> '' AND strpos(a.detail, s.email) > 0);

UPDATE report_events AS e SET detail = (
    SELECT replace(e.detail, s.email, 'staff#' || CAST(s.id AS TEXT)) FROM staff AS s
    WHERE s.email <> '' AND strpos(e.detail, s.email) > 0
    ORDER BY length(s.email) DESC, s.id LIMIT 1)
WHERE EXISTS (SELECT 1 FROM staff AS s WHERE s.email <> '' AND strpos(e.detail, s.email) > 0);

-- +goose Down
ALTER TABLE translation_edits DROP COLUMN key_id;
DROP INDEX staff_email_hash_key;
ALTER TABLE staff DROP COLUMN index_key_id;
ALTER TABLE staff DROP COLUMN email_hash;
ALTER TABLE staff DROP COLUMN key_id;
