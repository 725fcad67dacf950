-- What the API sends for an unkeyed sale (scripts/loadrun.sh's phase B): BEGIN, the audit context,
-- the ledger function on one line of LedgerLine JSON, COMMIT and the commit's WAL position (the
-- consistency token), pipelined into one round trip as Npgsql's batch does, as the admin. Each transaction picks a random row
-- (:hot = 1: always store 1, product 1).
\set s random(1, :stores)
\set p random(1, :products)
\if :hot
\set s 1
\set p 1
\endif
\startpipeline
BEGIN;
CALL bazaar.use_audit_context(:actor::uuid, 'pgbench-' || :client_id, NULL);
SELECT line_no, movement_id, store_id, product_id, sku, kind, quantity, delta, reason, reference, note,
       occurred_at, recorded_at, device_id, on_hand, version
FROM bazaar.record_movements_scoped(
    jsonb_build_array(jsonb_build_object('kind', 'sale', 'storeId', bench.id(0, :s), 'productId', bench.id(1, :p), 'quantity', 1)),
    gen_random_uuid(), NULL, NULL);
COMMIT;
SELECT pg_current_wal_lsn();
\endpipeline
