-- Bearer tokens of the ordering app, stored as SHA-256 digests.
CREATE TABLE api_tokens (
    token_id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    token_sha256 BYTEA NOT NULL UNIQUE,
    issued_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ
);

CREATE INDEX api_tokens_account_id_idx ON api_tokens (account_id);
