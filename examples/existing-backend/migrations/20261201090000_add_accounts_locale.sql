-- The language each person reads (a BCP 47 tag such as de, fr or pt-BR);
-- NULL for English. The password reset emails and pages speak it.
ALTER TABLE accounts ADD COLUMN locale TEXT;
