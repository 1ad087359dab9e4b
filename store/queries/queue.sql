-- The console queue driven by one filter's index (migration 00120): the
-- reports of one language, category, language and category, or status, in urgency order, so a
-- filter that matches few reports walks only that value's reports rather
-- than every report's urgency entry. Arguments as ConsoleQueue's; the
-- driving filter is a plain equality (never ''), the others may be ''.
-- The deadline filter is an upper bound on the urgency key, which ends the
-- index range instead of filtering it.

-- name: ConsoleQueueByLangCategory
SELECT id, reference, category, lang, channel, status, COALESCE(deadline, ''),
       COALESCE(commission_id, ''), assigned_to, created_at
FROM reports
WHERE ($1 = '*' OR ($1 = '' AND commission_id IS NULL) OR commission_id = $1)
  AND (($2 = 'open' AND status <> 'closed') OR $2 = 'all' OR status = $2)
  AND category = $3
  AND lang = $4
  AND COALESCE(deadline, '9999-12-31') <= CASE WHEN $5 = '' THEN '9999-12-31' ELSE $5 END
  AND COALESCE(deadline, '9999-12-31') >= $6
  AND (COALESCE(deadline, '9999-12-31') > $6 OR id > $7)
ORDER BY COALESCE(deadline, '9999-12-31'), id
LIMIT $8;

-- name: ConsoleQueueByLang
SELECT id, reference, category, lang, channel, status, COALESCE(deadline, ''),
       COALESCE(commission_id, ''), assigned_to, created_at
FROM reports
WHERE ($1 = '*' OR ($1 = '' AND commission_id IS NULL) OR commission_id = $1)
  AND (($2 = 'open' AND status <> 'closed') OR $2 = 'all' OR status = $2)
  AND ($3 = '' OR category = $3)
  AND lang = $4
  AND COALESCE(deadline, '9999-12-31') <= CASE WHEN $5 = '' THEN '9999-12-31' ELSE $5 END
  AND COALESCE(deadline, '9999-12-31') >= $6
  AND (COALESCE(deadline, '9999-12-31') > $6 OR id > $7)
ORDER BY COALESCE(deadline, '9999-12-31'), id
LIMIT $8;

-- name: ConsoleQueueByCategory
SELECT id, reference, category, lang, channel, status, COALESCE(deadline, ''),
       COALESCE(commission_id, ''), assigned_to, created_at
FROM reports
WHERE ($1 = '*' OR ($1 = '' AND commission_id IS NULL) OR commission_id = $1)
  AND (($2 = 'open' AND status <> 'closed') OR $2 = 'all' OR status = $2)
  AND category = $3
  AND ($4 = '' OR lang = $4)
  AND COALESCE(deadline, '9999-12-31') <= CASE WHEN $5 = '' THEN '9999-12-31' ELSE $5 END
  AND COALESCE(deadline, '9999-12-31') >= $6
  AND (COALESCE(deadline, '9999-12-31') > $6 OR id > $7)
ORDER BY COALESCE(deadline, '9999-12-31'), id
LIMIT $8;

-- name: ConsoleQueueByStatus
SELECT id, reference, category, lang, channel, status, COALESCE(deadline, ''),
       COALESCE(commission_id, ''), assigned_to, created_at
FROM reports
WHERE ($1 = '*' OR ($1 = '' AND commission_id IS NULL) OR commission_id = $1)
  AND status = $2
  AND ($3 = '' OR category = $3)
  AND ($4 = '' OR lang = $4)
  AND COALESCE(deadline, '9999-12-31') <= CASE WHEN $5 = '' THEN '9999-12-31' ELSE $5 END
  AND COALESCE(deadline, '9999-12-31') >= $6
  AND (COALESCE(deadline, '9999-12-31') > $6 OR id > $7)
ORDER BY COALESCE(deadline, '9999-12-31'), id
LIMIT $8;
