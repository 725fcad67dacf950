-- One chunk of a movements import (lines p_from..p_through), in one transaction and round trip,
-- through the API's own write path, record_movements_scoped, under the uploader's store scope and
-- as the uploader (the Worker sends use_audit_context in front of this call).
--
-- Exactly once: the operation's row is locked and the chunk applies only if the progress mark
-- (next_line) is still p_from; finish_import_chunk moves the mark in this same transaction. A chunk
-- seen again (a Worker killed after the commit, a redelivered message, a second replica) finds the
-- mark moved and returns 'stale' without writing.
--
-- Each line stands alone: the chunk is first recorded as one document (the common case, one
-- statement); when the ledger refuses a line, the chunk is recorded line by line instead, each in
-- its own subtransaction, and a refused line's reason is kept while the others go on. Lines are
-- taken in (store, product, line) order both ways, like any ledger document, so concurrent imports
-- and sales cannot deadlock; within one (store, product) the file's order holds, so the outcome is
-- the same as applying the file top to bottom.
-- An atomic operation (all lines in one chunk) writes nothing when any line is refused.
-- The ledger's date rules (stock freeze, the uploader's backdating window, counts before the last
-- count) refuse a line like any other reason.
--
-- p_rows: jsonb array of { "line", "storeCode", "sku", "kind", "quantity", "reason"?,
--   "reference"?, "note"?, "occurredAt"? } (parsed and checked by the Worker);
-- p_errors: lines the Worker already refused, { "line", "reason" }.
-- Returns 'applied' or 'stale'.
CREATE OR REPLACE FUNCTION bazaar.apply_movement_import_chunk(
    p_operation uuid, p_from int, p_through int, p_rows jsonb, p_errors jsonb)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_op bazaar.operations;
    v_lines jsonb;
    v_errors jsonb := coalesce(p_errors, '[]'::jsonb);
    v_msg jsonb;
    r record;
BEGIN
    SELECT * INTO v_op FROM bazaar.operations WHERE id = p_operation FOR UPDATE;
    IF NOT FOUND OR v_op.kind <> 'movements' OR v_op.status NOT IN ('queued', 'running') OR v_op.next_line <> p_from THEN
        RETURN 'stale';
    END IF;

    -- Store codes become ids; an unknown code stays null, which the ledger refuses as an unknown store.
    SELECT coalesce(jsonb_agg(l.line || jsonb_build_object('storeId', s.id) ORDER BY l.ord), '[]'::jsonb)
      INTO v_lines
      FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS l(line, ord)
      LEFT JOIN bazaar.stores s ON lower(s.code) = lower(l.line->>'storeCode');

    BEGIN
        BEGIN
            IF jsonb_array_length(v_lines) > 0 THEN
                PERFORM 1 FROM bazaar.record_movements_scoped(v_lines, p_operation, NULL, v_op.stores);
            END IF;
        EXCEPTION WHEN SQLSTATE 'BZ001' OR SQLSTATE 'BZ002' OR SQLSTATE 'BZ003' OR SQLSTATE 'BZ004'
                    OR SQLSTATE 'BZ005' OR SQLSTATE 'BZ007'
                    OR SQLSTATE 'BZ020' OR SQLSTATE 'BZ021' OR SQLSTATE 'BZ022' THEN
            FOR r IN
                SELECT l.line, (l.line->>'line')::int AS line_no, l.line->>'storeCode' AS store_code, l.line->>'sku' AS sku
                  FROM jsonb_array_elements(v_lines) AS l(line)
                  LEFT JOIN bazaar.products p ON lower(p.sku) = lower(l.line->>'sku')
                 ORDER BY (l.line->>'storeId')::uuid, p.id, (l.line->>'line')::int
            LOOP
                BEGIN
                    PERFORM 1 FROM bazaar.record_movements_scoped(jsonb_build_array(r.line), p_operation, NULL, v_op.stores);
                EXCEPTION WHEN SQLSTATE 'BZ001' OR SQLSTATE 'BZ002' OR SQLSTATE 'BZ003' OR SQLSTATE 'BZ004'
                            OR SQLSTATE 'BZ005' OR SQLSTATE 'BZ007'
                            OR SQLSTATE 'BZ020' OR SQLSTATE 'BZ021' OR SQLSTATE 'BZ022' THEN
                    v_msg := SQLERRM::jsonb;
                    v_errors := v_errors || jsonb_build_object('line', r.line_no, 'reason', CASE SQLSTATE
                        WHEN 'BZ001' THEN format('insufficient stock, available %s', trim_scale((v_msg->>'available')::numeric))
                        WHEN 'BZ002' THEN format('unknown product %s', r.sku)
                        WHEN 'BZ003' THEN format('unknown store %s, or not one of yours', r.store_code)
                        WHEN 'BZ004' THEN format('product %s is archived', r.sku)
                        WHEN 'BZ005' THEN format('product %s moves in whole numbers (unit %s)', r.sku, v_msg->>'unit')
                        WHEN 'BZ020' THEN format('occurredAt %s is on or before the stock freeze (%s)', v_msg->>'occurredAt', v_msg->>'frozenUntil')
                        WHEN 'BZ021' THEN format('occurredAt %s is further back than your %s-day backdating window', v_msg->>'occurredAt', v_msg->>'days')
                        WHEN 'BZ022' THEN format('count dated %s is before the shelf''s latest count (%s)', v_msg->>'occurredAt', v_msg->>'lastCountAt')
                        ELSE format('store %s is archived', r.store_code) END);
                END;
            END LOOP;
        END;

        IF v_op.atomic AND jsonb_array_length(v_errors) > 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'BZ990', MESSAGE = 'an atomic import with a refused line writes nothing';
        END IF;
    EXCEPTION WHEN SQLSTATE 'BZ990' THEN
        NULL; -- every movement of the file rolled back; the reasons are kept below
    END;

    PERFORM bazaar.finish_import_chunk(p_operation, p_through,
        jsonb_array_length(p_rows) + jsonb_array_length(coalesce(p_errors, '[]'::jsonb)), v_errors);
    RETURN 'applied';
END $$;
