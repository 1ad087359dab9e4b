-- Postgres overrides of mail.sql.

-- name: ClaimReportMail
-- Concurrent instances skip each other's rows.
UPDATE reports SET staff_mail_lease = $2
WHERE id IN (
    SELECT id FROM reports
    WHERE staff_mail IS NULL AND (staff_mail_lease IS NULL OR staff_mail_lease < $1)
    ORDER BY id
    LIMIT $3
    FOR UPDATE SKIP LOCKED)
RETURNING id, reference, COALESCE(commission_id, '');
