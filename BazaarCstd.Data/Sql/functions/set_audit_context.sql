-- Names the acting user and the request for the audit rows of the current transaction only
-- (set_config(..., true)): nothing survives on a pooled connection. NULL clears either.
-- For a person's session (psql: SELECT bazaar.set_audit_context(…) inside the transaction); the
-- services send use_audit_context, which sets the same values without calling this.
CREATE OR REPLACE FUNCTION bazaar.set_audit_context(p_actor_id uuid, p_request_id text) RETURNS void
LANGUAGE sql AS $$
    SELECT set_config('bazaar.actor_id', coalesce(p_actor_id::text, ''), true),
           set_config('bazaar.request_id', coalesce(p_request_id, ''), true);
$$;
