-- One person across channels (version range 00140–00144). A resident may
-- link their contacts (an SMS number, a Discord account, a /try session …)
-- by typing on one channel a one-time code asked for on another; linked
-- contacts share a person: language, discreet mode, reports (STATUS),
-- erasure. Linking is never automatic. See docs/privacy.md.
--
-- persons holds nothing personal: a person is only the contacts pointing
-- at it (contacts.person_id; NULL for a contact linked to nothing).
--
-- link_codes: the one code a contact asked for, as a keyed HMAC of the
-- code under the index key (index_key_id), never the code itself; it is
-- deleted when used, and purged once expired.

-- +goose Up
CREATE TABLE persons (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL
);

ALTER TABLE contacts ADD COLUMN person_id BIGINT REFERENCES persons (id) ON DELETE SET NULL;
CREATE INDEX contacts_person_idx ON contacts (person_id) WHERE person_id IS NOT NULL;

CREATE TABLE link_codes (
    contact_id   BIGINT      PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
    code_hash    TEXT        NOT NULL UNIQUE,
    index_key_id TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX link_codes_expires_idx ON link_codes (expires_at);

-- +goose Down
DROP TABLE link_codes;
DROP INDEX contacts_person_idx;
ALTER TABLE contacts DROP COLUMN person_id;
DROP TABLE persons;
