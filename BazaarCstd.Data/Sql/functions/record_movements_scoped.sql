-- The write path as the API calls it: refuses any line for a store outside p_stores (NULL = every
-- store) exactly like an unknown store (BZ003 → 404), so nobody learns that a store they are not
-- assigned exists, then records the lines with record_movements as the transaction's actor (set by
-- use_audit_context in front of this call, same batch). Still one round trip.
-- The DROP removes the earlier form, which took the actor and request id as its first arguments.
DROP FUNCTION IF EXISTS bazaar.record_movements_scoped(uuid, text, jsonb, uuid, text, uuid[]);

CREATE OR REPLACE FUNCTION bazaar.record_movements_scoped(
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

    RETURN QUERY SELECT * FROM bazaar.record_movements(
        p_lines, p_batch_id, nullif(current_setting('bazaar.actor_id', true), '')::uuid, p_idempotency_key) r;
END $$;
