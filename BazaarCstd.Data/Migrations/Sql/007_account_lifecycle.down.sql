-- Undoes 007_account_lifecycle.sql: the per-account failure count and lock come back (empty).
ALTER TABLE bazaar.refresh_tokens DROP COLUMN family_expires_at;
ALTER TABLE bazaar.users
    DROP COLUMN sessions_revoked_at,
    DROP COLUMN must_change_password,
    ADD COLUMN failed_logins int NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    ADD COLUMN locked_until timestamptz;
