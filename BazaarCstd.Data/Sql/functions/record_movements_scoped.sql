-- The write path as a caller sees it: names the acting user and the request for the audit log
-- (set_audit_context), refuses any line for a store outside p_stores (NULL = every store) exactly
-- like an unknown store (BZ003 → 404), so nobody learns that a store they are not assigned exists,
-- then records the lines with record_movements. Still one statement, one round trip.
CREATE OR REPLACE FUNCTION bazaar.record_movements_scoped(
    p_actor_id uuid,
    p_request_id text,
    p_lines jsonb,
    p_batch_id uuid,
    p_idempotency_key text,
    p_stores uuid[])
RETURNS TABLE (
    line_no int, movement_id bigint, store_id uuid, product_id uuid, sku text, kind text,
    quantity numeric, delta numeric, reason text, reference text, note text,
    occurred_at timestamptz, recorded_at timestamptz, device_id text,
    on_hand numeric, version bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_line int;
    v_store uuid;
BEGIN
    PERFORM bazaar.set_audit_context(p_actor_id, p_request_id);

    IF p_stores IS NOT NULL THEN
        SELECT l.ord::int, l."storeId" INTO v_line, v_store
        FROM ROWS FROM (jsonb_to_recordset(p_lines) AS ("storeId" uuid)) WITH ORDINALITY AS l("storeId", ord)
        WHERE l."storeId" IS NULL OR NOT (l."storeId" = ANY (p_stores))
        ORDER BY l.ord
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'BZ003',
                MESSAGE = jsonb_build_object('line', v_line, 'storeId', v_store)::text;
        END IF;
    END IF;

    RETURN QUERY SELECT * FROM bazaar.record_movements(p_lines, p_batch_id, p_actor_id, p_idempotency_key) r;
END $$;
