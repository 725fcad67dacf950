-- GET /api/stock/current?storeId=… : the first page (100 rows, LIMIT 101) of a store's inventory.
\set s random(1, :stores)
SELECT l.store_id, s.code AS store_code, l.product_id, p.sku, p.name, p.unit, l.on_hand,
       coalesce(t.reorder_point, p.reorder_point) AS reorder_point, l.updated_at
FROM bazaar.stock_levels l
JOIN bazaar.stores s ON s.id = l.store_id
JOIN bazaar.products p ON p.id = l.product_id
LEFT JOIN bazaar.stock_thresholds t ON t.store_id = l.store_id AND t.product_id = l.product_id
WHERE l.store_id = bench.id(0, :s)
ORDER BY l.store_id, l.product_id
LIMIT 101;
