-- Undoes 005_events_and_alerts.sql: the outbox unpartitioned again (rows kept), thresholds back on
-- stock_levels, alerts, inbox and dead letters dropped.
DROP TABLE bazaar.dead_letters;
DROP TABLE bazaar.processed_events;
DROP TABLE bazaar.inventory_alerts;

ALTER TABLE bazaar.stock_levels ADD COLUMN reorder_point numeric(18,3) CHECK (reorder_point >= 0);
UPDATE bazaar.stock_levels l SET reorder_point = t.reorder_point
FROM bazaar.stock_thresholds t WHERE t.store_id = l.store_id AND t.product_id = l.product_id;
DROP TABLE bazaar.stock_thresholds;

ALTER TABLE bazaar.inventory_events RENAME TO inventory_events_partitioned;
CREATE TABLE bazaar.inventory_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type         text NOT NULL,
    store_id     uuid,
    product_id   uuid,
    payload      jsonb NOT NULL,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
INSERT INTO bazaar.inventory_events (id, type, store_id, product_id, payload, occurred_at, published_at)
OVERRIDING SYSTEM VALUE
SELECT id, type, store_id, product_id, payload, occurred_at, published_at FROM bazaar.inventory_events_partitioned;
SELECT setval(pg_get_serial_sequence('bazaar.inventory_events', 'id'), coalesce(max(id), 0) + 1, false) FROM bazaar.inventory_events;
DROP TABLE bazaar.inventory_events_partitioned;
CREATE INDEX ix_inventory_events_unpublished ON bazaar.inventory_events (id) WHERE published_at IS NULL;
CREATE INDEX ix_inventory_events_store ON bazaar.inventory_events (store_id, id DESC);
GRANT SELECT, INSERT, UPDATE, DELETE ON bazaar.inventory_events TO bazaar_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA bazaar TO bazaar_app;
