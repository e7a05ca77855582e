-- Reading every audit event in a span of time (the admins' trend of sent,
-- completed, expired, cancelled and locked resets): an index on `at` alone,
-- since the existing ones lead with the request or the user.
--
-- Building it blocks writes to audit_events while it runs (about a second
-- per million rows): instances already serving wait that long to record.

CREATE INDEX audit_events_at_idx ON audit_events (at);
