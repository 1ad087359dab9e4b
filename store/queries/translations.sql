-- Translators' languages and their edits of the catalog (console's
-- translation pages; the service's overlay of the embedded catalog).

-- name: DeleteStaffLangs
DELETE FROM staff_langs WHERE staff_id = $1;

-- name: InsertStaffLang
INSERT INTO staff_langs (staff_id, lang) VALUES ($1, $2);

-- name: StaffLangs
SELECT lang FROM staff_langs WHERE staff_id = $1 ORDER BY lang;

-- name: InsertTranslationEdit
INSERT INTO translation_edits (lang, message_id, text, source_hash, status, staff_id, staff_name, created_at, key_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id;

-- name: CurrentTranslationEdits
-- The latest edit of every message ($1 = '' for every language).
SELECT e.id, e.lang, e.message_id, e.text, e.source_hash, e.status, e.staff_id, e.staff_name, e.created_at
FROM translation_edits e
WHERE ($1 = '' OR e.lang = $1)
  AND e.id = (SELECT max(f.id) FROM translation_edits f WHERE f.lang = e.lang AND f.message_id = e.message_id)
ORDER BY e.lang, e.message_id;

-- name: TranslationEditHistory
SELECT id, lang, message_id, text, source_hash, status, staff_id, staff_name, created_at
FROM translation_edits
WHERE lang = $1 AND message_id = $2
ORDER BY id DESC
LIMIT $3;

-- name: TranslationEditsVersion
SELECT coalesce(max(id), 0) FROM translation_edits;
