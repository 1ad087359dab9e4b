-- +goose Up
-- The console queue filtered by language, category or status walks the
-- reports of that value in urgency order (ConsoleQueueBy*), and stops
-- after a page, instead of walking every report's urgency entry to find a
-- filter that matches fewer than a page.
CREATE INDEX reports_queue_lang_idx ON reports (lang, (COALESCE(deadline, '9999-12-31')), id);
CREATE INDEX reports_queue_category_idx ON reports (category, (COALESCE(deadline, '9999-12-31')), id);
CREATE INDEX reports_queue_status_idx ON reports (status, (COALESCE(deadline, '9999-12-31')), id);
-- Language and category together: each is common, the pair may be rare.
CREATE INDEX reports_queue_lang_category_idx ON reports (lang, category, (COALESCE(deadline, '9999-12-31')), id);

-- +goose Down
DROP INDEX reports_queue_lang_category_idx;
DROP INDEX reports_queue_status_idx;
DROP INDEX reports_queue_category_idx;
DROP INDEX reports_queue_lang_idx;
