-- What an admin sees after sending a reset, and cancelling one: when a
-- request ended, a cancelled state, and reading a user's latest requests
-- and password events quickly.

ALTER TABLE reset_requests ADD COLUMN finished_at timestamptz;

ALTER TABLE reset_requests DROP CONSTRAINT reset_requests_state_check;
ALTER TABLE reset_requests ADD CONSTRAINT reset_requests_state_check
    CHECK (state IN ('issued', 'completed', 'expired', 'locked', 'superseded', 'revoked', 'cancelled'));

-- A user's latest requests, newest first, in issue order.
CREATE INDEX reset_requests_user_seq_idx ON reset_requests (user_id, seq DESC);

-- A user's latest password events, newest first.
CREATE INDEX audit_events_user_id_idx ON audit_events (user_id, id DESC);
