-- Account lifecycle (issue 14). Applied by the AccountLifecycle migration.
-- * Sign-in failures are throttled in Redis per (email, client address) and per address, so the
--   per-account count and lock that let anyone lock the real user out are gone.
-- * must_change_password: set by an admin's password reset; the next sign-in can only change it.
-- * sessions_revoked_at: when every session of the user was last ended (password change or reset,
--   logout-all, an admin's revoke, the bootstrap); the API raises its Redis "not before" stamp from
--   it when it starts, for revocations made where Redis is not at hand (the MigrationService).
-- * family_expires_at: a refresh family (one sign-in) ends 30 days after the sign-in, however often
--   it is rotated; each token still lives at most 7 days.
ALTER TABLE bazaar.users
    DROP COLUMN failed_logins,
    DROP COLUMN locked_until,
    ADD COLUMN must_change_password boolean NOT NULL DEFAULT false,
    ADD COLUMN sessions_revoked_at timestamptz;

ALTER TABLE bazaar.refresh_tokens ADD COLUMN family_expires_at timestamptz;
UPDATE bazaar.refresh_tokens t SET family_expires_at = f.started_at + interval '30 days'
FROM (SELECT family_id, min(created_at) AS started_at FROM bazaar.refresh_tokens GROUP BY family_id) f
WHERE f.family_id = t.family_id;
ALTER TABLE bazaar.refresh_tokens ALTER COLUMN family_expires_at SET NOT NULL;
