-- Everyone who uses Harbour Supply: back-office admins, web staff, and the
-- shared tablets (device accounts) that sign in from the ordering app.
CREATE TABLE accounts (
    account_id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login_email  TEXT NOT NULL,
    pwd_hash     TEXT,
    kind         TEXT NOT NULL CHECK (kind IN ('admin', 'web', 'device')),
    display_name TEXT NOT NULL,
    email_to     TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX accounts_login_email_key ON accounts (lower(login_email));
