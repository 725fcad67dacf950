-- A 10-line sale document through the ledger function, as POST /api/stock/batch sends it: ten
-- consecutive rows of the store-major numbering (ten stores, one product), in one transaction.
\set k random(0, :stores * :products - 11)
\startpipeline
BEGIN;
CALL bazaar.use_audit_context(:actor::uuid, 'pgbench-' || :client_id, NULL);
SELECT line_no, movement_id, store_id, product_id, sku, kind, quantity, delta, reason, reference, note,
       occurred_at, recorded_at, device_id, on_hand, version
FROM bazaar.record_movements_scoped(
    (SELECT jsonb_agg(jsonb_build_object('kind', 'sale', 'storeId', bench.id(0, i % :stores + 1),
                                         'productId', bench.id(1, i / :stores % :products + 1), 'quantity', 1) ORDER BY i)
     FROM generate_series(:k, :k + 9) i),
    gen_random_uuid(), NULL, NULL);
COMMIT;
SELECT pg_current_wal_lsn();
\endpipeline
