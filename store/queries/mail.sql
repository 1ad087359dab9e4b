-- E-mail to staff (intake/staffmail): new reports claimed with a lease,
-- marked once mailed; one claim per name and day for the digests.

-- name: ClaimReportMail
-- Up to $3 reports not yet mailed whose lease ($1 is now) is free or ran
-- out; they are leased until $2.
UPDATE reports SET staff_mail_lease = $2
WHERE id IN (
    SELECT id FROM reports
    WHERE staff_mail IS NULL AND (staff_mail_lease IS NULL OR staff_mail_lease < $1)
    ORDER BY id
    LIMIT $3)
RETURNING id, reference, COALESCE(commission_id, '');

-- name: ReleaseReportMail
UPDATE reports SET staff_mail_lease = NULL WHERE id = $1 AND staff_mail IS NULL;

-- name: MarkReportMailed
UPDATE reports SET staff_mail = 'sent', staff_mail_lease = NULL WHERE id = $1;

-- name: ClaimDaily
INSERT INTO daily_claims (name, day, claimed_at) VALUES ($1, $2, $3)
ON CONFLICT (name, day) DO NOTHING
RETURNING name;

-- name: ReleaseDaily
DELETE FROM daily_claims WHERE name = $1 AND day = $2;
