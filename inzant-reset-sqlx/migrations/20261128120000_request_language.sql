-- The language of a reset's emails and pages (a BCP 47 tag such as 'de'),
-- chosen when the request is issued and changed only by the person's own
-- choice on the reset page while the request is live. Requests stored
-- before this migration were sent in English.

ALTER TABLE reset_requests ADD COLUMN language text NOT NULL DEFAULT 'en';
