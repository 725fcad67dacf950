-- The seed's view: stock summed from the ledger. The check on the projection (stock_levels): see
-- verify_stock_levels. The application may read it.
CREATE OR REPLACE VIEW bazaar.current_inventory AS
    SELECT store_id, product_id, sum(delta)::numeric(18,3) AS on_hand
    FROM bazaar.stock_movements
    GROUP BY store_id, product_id;
GRANT SELECT ON bazaar.current_inventory TO bazaar_app;
