-- Every (store, product) where the projection (stock_levels) and the ledger (the current_inventory
-- view) disagree; empty means consistent.
CREATE OR REPLACE FUNCTION bazaar.verify_stock_levels()
RETURNS TABLE (store_id uuid, product_id uuid, projected numeric, from_movements numeric)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(l.store_id, c.store_id), coalesce(l.product_id, c.product_id),
           coalesce(l.on_hand, 0), coalesce(c.on_hand, 0)
    FROM bazaar.stock_levels l
    FULL JOIN bazaar.current_inventory c ON c.store_id = l.store_id AND c.product_id = l.product_id
    WHERE coalesce(l.on_hand, 0) <> coalesce(c.on_hand, 0)
$$;
