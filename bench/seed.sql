-- The benchmark's dataset (bench/run.sh): :stores stores × :products products, every product stocked
-- in every store with 10^9 units by one stock_in movement each, so no scenario can run short.
-- Ids are numbered (bench.id(kind, n)), so pgbench and the wrk scripts name a row without a lookup.
-- Written straight into the tables as the owner, with triggers and foreign-key checks off
-- (session_replication_role = replica): a seed of 10^6 rows through the ledger would also write 10^6
-- audit rows and outbox events, and the relay would still be publishing them during the measurements.
-- The projection still equals the ledger (verify_stock_levels() is checked at the end of the run).
\set ON_ERROR_STOP on
CREATE SCHEMA IF NOT EXISTS bench;

-- 00000000-0000-4000-8000-00000000000n for store n, 00000001-… for product n.
CREATE OR REPLACE FUNCTION bench.id(kind int, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT (lpad(kind::text, 8, '0') || '-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid
$$;

-- The minimal sale's own tables: a level with the same guard and a movement row, nothing else
-- (no partitions, no audit trigger, no outbox) — what one durable sale costs PostgreSQL at least.
CREATE TABLE bench.levels (
    store_id   uuid NOT NULL,
    product_id uuid NOT NULL,
    on_hand    numeric(18,3) NOT NULL CHECK (on_hand >= 0),
    version    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (store_id, product_id)
);
CREATE TABLE bench.movements (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id    uuid NOT NULL,
    product_id  uuid NOT NULL,
    delta       numeric(18,3) NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

BEGIN;
SET LOCAL session_replication_role = replica;
INSERT INTO bazaar.stores (id, code, name)
SELECT bench.id(0, s), 'B' || lpad(s::text, 5, '0'), 'Bench store ' || s FROM generate_series(1, :stores) s;
INSERT INTO bazaar.products (id, sku, name, category, unit, unit_price)
SELECT bench.id(1, p), 'BENCH-' || lpad(p::text, 6, '0'), 'Bench product ' || p, 'bench', 'each', 1.00
FROM generate_series(1, :products) p;
CREATE TEMP TABLE seed_lines ON COMMIT DROP AS
SELECT bench.id(0, s) AS store_id, bench.id(1, p) AS product_id, nextval('bazaar.stock_movements_id_seq') AS movement_id
FROM generate_series(1, :stores) s, generate_series(1, :products) p;
INSERT INTO bazaar.stock_movements (id, store_id, product_id, kind, quantity, delta, reason, occurred_at, batch_id)
SELECT movement_id, store_id, product_id, 'stock_in', 1000000000, 1000000000, NULL, now(), '00000002-0000-4000-8000-000000000000'
FROM seed_lines;
INSERT INTO bazaar.stock_levels (store_id, product_id, on_hand, version, last_movement_id)
SELECT store_id, product_id, 1000000000, 1, movement_id FROM seed_lines;
INSERT INTO bench.levels (store_id, product_id, on_hand)
SELECT store_id, product_id, 1000000000 FROM seed_lines;
COMMIT;
ANALYZE bazaar.stores, bazaar.products, bazaar.stock_levels, bazaar.stock_movements, bench.levels;
