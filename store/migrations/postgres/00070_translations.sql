-- Translators and their edits (issue 13, the reviewer workflow). Version
-- range 00070–00079 belongs to translations.
--
-- A translator is a console account with role 'translator', no commission
-- (they never see a report) and one or more languages in staff_langs.
-- translation_edits is append-only: every save or review in the console is
-- a row; the latest row of a (lang, message_id) is its current state, and
-- the running service applies it over the embedded catalog.

-- +goose Up
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('admin', 'staff', 'translator'));
ALTER TABLE staff DROP CONSTRAINT staff_role_commission;
ALTER TABLE staff ADD CONSTRAINT staff_role_commission CHECK (
    (role = 'admin' AND commission_id IS NULL) OR
    (role = 'staff' AND commission_id IS NOT NULL AND commission_id <> '') OR
    (role = 'translator' AND commission_id IS NULL));

CREATE TABLE staff_langs (
    staff_id BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    lang     TEXT   NOT NULL CHECK (lang <> ''),
    PRIMARY KEY (staff_id, lang)
);

CREATE TABLE translation_edits (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lang        TEXT        NOT NULL,
    message_id  TEXT        NOT NULL,
    text        TEXT        NOT NULL,
    -- go-i18n's hash of the English message this text translates; an edit
    -- of older English no longer applies once the English changes.
    source_hash TEXT        NOT NULL,
    status      TEXT        NOT NULL CHECK (status IN ('draft', 'reviewed')),
    staff_id    BIGINT      REFERENCES staff (id) ON DELETE SET NULL,
    -- Who, as shown to other translators; kept if the account goes.
    staff_name  TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX translation_edits_message_idx ON translation_edits (lang, message_id, id);

-- +goose Down
DROP TABLE translation_edits;
DROP TABLE staff_langs;
DELETE FROM staff WHERE role = 'translator';
ALTER TABLE staff DROP CONSTRAINT staff_role_commission;
ALTER TABLE staff ADD CONSTRAINT staff_role_commission CHECK (
    (role = 'admin' AND commission_id IS NULL) OR
    (role = 'staff' AND commission_id IS NOT NULL AND commission_id <> ''));
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('admin', 'staff'));
