-- The audit context of the current transaction: who made the change (the signed-in user) and in
-- which request (X-Request-Id). Every write the API sends starts with
-- CALL bazaar.use_audit_context(actor, request) in the same batch, so in the same transaction and
-- round trip (WriteSession in the API, for Npgsql commands and EF Core's SaveChanges alike); the
-- audit trigger (audit_row) and the ledger read the values back with current_setting(…, true).
-- A procedure, so the call returns no result set and the readers of the statements after it see
-- only their own.
CREATE OR REPLACE PROCEDURE bazaar.use_audit_context(p_actor_id uuid, p_request_id text)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bazaar.set_audit_context(p_actor_id, p_request_id);
END $$;
