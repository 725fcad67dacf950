-- One chunk of a products import (lines p_from..p_through), in one transaction and round trip, as
-- the uploader (the Worker sends use_audit_context in front of it, so the audit log names them).
-- Exactly once as in apply_movement_import_chunk: the operation's row lock and its progress mark.
-- The chunk is first upserted whole (one subtransaction); when a line is refused, line by line,
-- each in its own subtransaction, keeping each refused line's reason. Lines go in file order, so
-- when a SKU appears twice the later line wins.
-- p_rows: jsonb array of { "line", "sku", "name", "category", "unit", "unitPrice", "barcode"?,
--   "reorderPoint"? }; p_errors: lines the Worker already refused, { "line", "reason" }.
-- Returns 'applied' or 'stale'.
CREATE OR REPLACE FUNCTION bazaar.apply_product_import_chunk(
    p_operation uuid, p_from int, p_through int, p_rows jsonb, p_errors jsonb)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_op bazaar.operations;
    v_errors jsonb := coalesce(p_errors, '[]'::jsonb);
    v_msg text;
    v_constraint text;
    r record;
BEGIN
    SELECT * INTO v_op FROM bazaar.operations WHERE id = p_operation FOR UPDATE;
    IF NOT FOUND OR v_op.kind <> 'products' OR v_op.status NOT IN ('queued', 'running') OR v_op.next_line <> p_from THEN
        RETURN 'stale';
    END IF;

    BEGIN
        FOR r IN SELECT l.line FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS l(line, ord) ORDER BY l.ord
        LOOP
            PERFORM bazaar.upsert_imported_product(r.line);
        END LOOP;
    EXCEPTION WHEN SQLSTATE 'BZ004' OR SQLSTATE 'BZ008' OR unique_violation THEN
        FOR r IN SELECT l.line, (l.line->>'line')::int AS line_no, l.line->>'sku' AS sku
                   FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS l(line, ord) ORDER BY l.ord
        LOOP
            BEGIN
                PERFORM bazaar.upsert_imported_product(r.line);
            EXCEPTION WHEN SQLSTATE 'BZ004' OR SQLSTATE 'BZ008' OR unique_violation THEN
                GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_constraint = CONSTRAINT_NAME;
                v_errors := v_errors || jsonb_build_object('line', r.line_no, 'reason', CASE
                    WHEN SQLSTATE = 'BZ004' THEN format('product %s is archived', r.sku)
                    WHEN SQLSTATE = 'BZ008' THEN format('product %s is sold in %s; change its unit with PUT /api/products/{id}', r.sku, v_msg::jsonb->>'unit')
                    WHEN v_constraint = 'ux_products_barcode' THEN format('barcode %s belongs to another product', r.line->>'barcode')
                    ELSE format('product %s was created by someone else meanwhile; import the line again', r.sku) END);
            END;
        END LOOP;
    END;

    PERFORM bazaar.finish_import_chunk(p_operation, p_through,
        jsonb_array_length(p_rows) + jsonb_array_length(coalesce(p_errors, '[]'::jsonb)), v_errors);
    RETURN 'applied';
END $$;
