-- One line of a products import: a new SKU (case-insensitive) is created, an existing one updated
-- (name, category, unit price, barcode, reorder point; the description is kept). Refused, with
-- nothing written: an archived product (BZ004) and a change of unit (BZ008), which only
-- PUT /api/products/{id} makes, since it must check every store's stock for fractions.
-- A barcode another product holds raises unique_violation; the caller turns it into the line's reason.
-- p_row: { "sku", "name", "category", "unit", "unitPrice", "barcode"?, "reorderPoint"? }, checked by the Worker.
CREATE OR REPLACE FUNCTION bazaar.upsert_imported_product(p_row jsonb)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_product bazaar.products;
BEGIN
    SELECT * INTO v_product FROM bazaar.products WHERE lower(sku) = lower(p_row->>'sku') FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO bazaar.products (id, sku, name, category, unit, unit_price, barcode, reorder_point)
        VALUES (gen_random_uuid(), p_row->>'sku', p_row->>'name', p_row->>'category', p_row->>'unit',
                (p_row->>'unitPrice')::numeric, p_row->>'barcode', coalesce((p_row->>'reorderPoint')::numeric, 0));
    ELSIF v_product.archived_at IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'BZ004', MESSAGE = json_build_object('sku', v_product.sku)::text;
    ELSIF v_product.unit <> p_row->>'unit' THEN
        RAISE EXCEPTION USING ERRCODE = 'BZ008', MESSAGE = json_build_object('sku', v_product.sku, 'unit', v_product.unit)::text;
    ELSE
        UPDATE bazaar.products
           SET name = p_row->>'name', category = p_row->>'category', unit_price = (p_row->>'unitPrice')::numeric,
               barcode = p_row->>'barcode', reorder_point = coalesce((p_row->>'reorderPoint')::numeric, 0)
         WHERE id = v_product.id;
    END IF;
END $$;
