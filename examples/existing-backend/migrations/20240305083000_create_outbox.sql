-- Mail waiting for the mail relay, which delivers rows with no sent_at and
-- then stamps them.
CREATE TABLE outbox (
    mail_id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category       TEXT NOT NULL,
    recipient      TEXT NOT NULL,
    recipient_name TEXT,
    subject        TEXT NOT NULL,
    body_text      TEXT NOT NULL,
    body_html      TEXT,
    queued_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at        TIMESTAMPTZ
);

CREATE INDEX outbox_unsent_idx ON outbox (mail_id) WHERE sent_at IS NULL;
