-- One person across channels (store/link.go). A contact's person is its
-- person_id; a contact linked to nothing has none and is a person alone.
-- "The person of $1" below is: contact $1, and every contact sharing its
-- person_id.

-- name: PersonContacts
SELECT id, channel, address, lang, opted_out, created_at, updated_at
FROM contacts
WHERE id = $1 OR (person_id IS NOT NULL AND person_id = (SELECT person_id FROM contacts WHERE id = $1))
ORDER BY id;

-- name: ContactPerson
SELECT COALESCE(person_id, 0) FROM contacts WHERE id = $1;

-- name: InsertPerson
INSERT INTO persons (created_at) VALUES ($1) RETURNING id;

-- name: SetContactPerson
UPDATE contacts SET person_id = $2 WHERE id = $1;

-- name: MovePerson
-- Every contact of person $1 joins person $2.
UPDATE contacts SET person_id = $2 WHERE person_id = $1;

-- name: ClearPerson
UPDATE contacts SET person_id = NULL WHERE person_id = $1;

-- name: DeletePerson
DELETE FROM persons WHERE id = $1;

-- name: PersonSize
SELECT COUNT(*) FROM contacts WHERE person_id = $1;

-- name: SetPersonLang
UPDATE contacts SET lang = $2, updated_at = $3
WHERE id = $1 OR (person_id IS NOT NULL AND person_id = (SELECT person_id FROM contacts WHERE id = $1));

-- name: SetPersonDiscreet
UPDATE contacts SET discreet = $2, updated_at = $3
WHERE id = $1 OR (person_id IS NOT NULL AND person_id = (SELECT person_id FROM contacts WHERE id = $1));

-- name: PersonDiscreet
-- Whether any contact of the person of $1 is in discreet mode.
SELECT COUNT(*) FROM contacts
WHERE discreet AND (id = $1 OR (person_id IS NOT NULL AND person_id = (SELECT person_id FROM contacts WHERE id = $1)));

-- name: ReportsByPerson
-- The reports of every contact of the person of $1, newest first.
SELECT id, reference, contact_id, channel, lang, category, narrative,
       COALESCE(incident_date, ''), incident_date_raw, zip, jurisdiction,
       respondent_type, respondent_name, protected_trait,
       contact_method, contact_phone, safe_times, consent,
       COALESCE(commission_id, ''), route_rule, route_reason, referral, COALESCE(deadline, ''),
       status, close_reason, assigned_to, created_at, updated_at,
       COALESCE(first_message_id, 0), COALESCE(last_message_id, 0),
       close_code, COALESCE(duplicate_of, 0)
FROM reports
WHERE contact_id IN (SELECT id FROM contacts WHERE id = $1 OR (person_id IS NOT NULL AND person_id = (SELECT person_id FROM contacts WHERE id = $1)))
ORDER BY id DESC
LIMIT $2;

-- name: UpsertLinkCode
-- A contact has at most one code: asking again replaces it. A digest
-- another contact's code holds fails the unique index: draw again.
INSERT INTO link_codes (contact_id, code_hash, index_key_id, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (contact_id) DO UPDATE
SET code_hash = excluded.code_hash, index_key_id = excluded.index_key_id,
    created_at = excluded.created_at, expires_at = excluded.expires_at;

-- name: LinkCodeTaken
SELECT COUNT(*) FROM link_codes WHERE code_hash = $1 AND contact_id <> $2;

-- name: LinkCodeOwner
-- The contact that asked for the code with digest $1, if not expired ($2: now).
SELECT contact_id FROM link_codes WHERE code_hash = $1 AND expires_at > $2;

-- name: DeleteLinkCode
DELETE FROM link_codes WHERE contact_id = $1;

-- name: PurgeLinkCodes
DELETE FROM link_codes WHERE expires_at <= $1;

-- name: PurgeLonePersons
-- A person left with one contact (the others erased or purged) is no
-- longer a link.
UPDATE contacts SET person_id = NULL
WHERE person_id IS NOT NULL
  AND person_id IN (SELECT person_id FROM contacts WHERE person_id IS NOT NULL GROUP BY person_id HAVING COUNT(*) < 2);

-- name: PurgeEmptyPersons
DELETE FROM persons WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.person_id = persons.id);
