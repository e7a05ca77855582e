-- inzant-reset: reset requests and audit events. The host's users stay in
-- the host's own table; this library never creates or changes it.
--
-- Table names are unqualified on purpose: `inzant_reset_sqlx::migrate` runs
-- this file with `search_path` set to the configured schema (default
-- `inzant_reset`), so every object lands in that schema.

-- One row per reset email sent. Only digests of the link token and the code
-- are stored, never the token or the code.
CREATE TABLE reset_requests (
    id           uuid        PRIMARY KEY,
    -- The store's issue order: "issued before" for superseding.
    seq          bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    user_id      text        NOT NULL,
    issued_by    text        NOT NULL,
    purpose      text        NOT NULL CHECK (purpose IN ('reset', 'create')),
    token_digest bytea       NOT NULL CHECK (octet_length(token_digest) = 32),
    code_digest  bytea       NOT NULL CHECK (octet_length(code_digest) = 32),
    state        text        NOT NULL DEFAULT 'issued'
                             CHECK (state IN ('issued', 'completed', 'expired', 'locked', 'superseded', 'revoked')),
    attempts     integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);

-- Opening a link and submitting the form.
CREATE UNIQUE INDEX reset_requests_token_digest_key ON reset_requests (token_digest);
-- Superseding a user's live requests.
CREATE INDEX reset_requests_user_state_idx ON reset_requests (user_id, state);
-- Cooldown and daily cap at issue time.
CREATE INDEX reset_requests_user_created_idx ON reset_requests (user_id, created_at);
-- Purge: expired requests, and finished ones by age.
CREATE INDEX reset_requests_expires_idx ON reset_requests (expires_at);
CREATE INDEX reset_requests_finished_created_idx ON reset_requests (created_at) WHERE state <> 'issued';

-- Who did what to which reset request. Not tied to reset_requests by a
-- foreign key: audit rows outlive purged requests.
CREATE TABLE audit_events (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL,
    kind          text        NOT NULL,
    request_id    uuid        NOT NULL,
    user_id       text        NOT NULL,
    actor         text,
    -- Details of some kinds: `issued` has the purpose, `superseded` the
    -- count, `wrong_code` the attempts left.
    purpose       text CHECK (purpose IN ('reset', 'create')),
    count         bigint,
    attempts_left bigint
);

CREATE INDEX audit_events_request_idx ON audit_events (request_id, id);
CREATE INDEX audit_events_user_at_idx ON audit_events (user_id, at);
