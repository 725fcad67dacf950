-- Every snapshot that disagrees with its shelf's movements dated before its instant; empty means exact.
CREATE OR REPLACE FUNCTION bazaar.verify_stock_snapshots()
RETURNS TABLE (store_id uuid, product_id uuid, at timestamptz, snapshot numeric, from_movements numeric)
LANGUAGE sql STABLE AS $$
    SELECT s.store_id, s.product_id, s.at, s.on_hand, coalesce(m.on_hand, 0)
      FROM bazaar.stock_snapshots s
      LEFT JOIN LATERAL (
          SELECT sum(mv.delta) AS on_hand
            FROM bazaar.stock_movements mv
           WHERE mv.store_id = s.store_id AND mv.product_id = s.product_id AND mv.occurred_at < s.at) m ON true
     WHERE s.on_hand <> coalesce(m.on_hand, 0)
$$;
