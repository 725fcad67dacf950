-- The minimal sale: the guarded UPDATE and one movement row in one transaction (bench.levels and
-- bench.movements: no audit, no outbox, no partitions). Each transaction picks a random row.
\set s random(1, :stores)
\set p random(1, :products)
BEGIN;
UPDATE bench.levels SET on_hand = on_hand - 1, version = version + 1
WHERE store_id = bench.id(0, :s) AND product_id = bench.id(1, :p) AND on_hand >= 1;
INSERT INTO bench.movements (store_id, product_id, delta) VALUES (bench.id(0, :s), bench.id(1, :p), -1);
COMMIT;
