-- Events and alerts. Applied by the EventsAndAlerts migration.
--
-- 1. The outbox, bazaar.inventory_events, becomes monthly partitions (by occurred_at, the time the
--    writing transaction started) so published history is dropped a month at a time, never
--    row-deleted. Ids continue; the rows are copied. trace_parent carries the writing request's W3C
--    trace context to the relay (set by use_audit_context, read by record_movements).
-- 2. Per-store reorder thresholds move from stock_levels (the hot projection every sale updates)
--    to their own audited table, with a reorder quantity.
-- 3. inventory_alerts: at most one active (open or acknowledged) alert per (store, product).
-- 4. processed_events: the consumers' inbox (event ids applied, per consumer).
-- 5. dead_letters: messages RabbitMQ dead-lettered, kept for admins to read and replay.

-- ---------------------------------------------------------------- 1. the outbox, partitioned
ALTER TABLE bazaar.inventory_events RENAME TO inventory_events_unpartitioned;
ALTER INDEX bazaar.ix_inventory_events_unpublished RENAME TO ix_inventory_events_unpartitioned_unpublished;
ALTER INDEX bazaar.ix_inventory_events_store RENAME TO ix_inventory_events_unpartitioned_store;

CREATE SEQUENCE bazaar.inventory_event_ids AS bigint;
SELECT setval('bazaar.inventory_event_ids', coalesce(max(id), 0) + 1, false) FROM bazaar.inventory_events_unpartitioned;

CREATE TABLE bazaar.inventory_events (
    id           bigint NOT NULL DEFAULT nextval('bazaar.inventory_event_ids'),
    type         text NOT NULL,
    store_id     uuid,
    product_id   uuid,
    payload      jsonb NOT NULL,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    trace_parent text,
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
ALTER SEQUENCE bazaar.inventory_event_ids OWNED BY bazaar.inventory_events.id;
-- The relay's queue: only unpublished rows are in it, so it stays small however long history grows.
CREATE INDEX ix_inventory_events_unpublished ON bazaar.inventory_events (id) WHERE published_at IS NULL;
CREATE INDEX ix_inventory_events_store ON bazaar.inventory_events (store_id, id);
-- Lookups by id alone (the relay marking rows, afterId) use the primary key's leading column.

-- Partitions for the months the old rows cover, through three months ahead (the maintenance job
-- keeps that horizon with ensure_monthly_partitions).
DO $$
DECLARE
    m date := date_trunc('month', least(now(), coalesce((SELECT min(occurred_at) FROM bazaar.inventory_events_unpartitioned), now())))::date;
    part text;
BEGIN
    WHILE m <= date_trunc('month', now() + interval '3 months')::date LOOP
        part := format('inventory_events_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
        EXECUTE format('CREATE TABLE bazaar.%I PARTITION OF bazaar.inventory_events FOR VALUES FROM (%L) TO (%L)',
                       part, m, (m + interval '1 month')::date);
        m := (m + interval '1 month')::date;
    END LOOP;
END $$;

INSERT INTO bazaar.inventory_events (id, type, store_id, product_id, payload, occurred_at, published_at)
SELECT id, type, store_id, product_id, payload, occurred_at, published_at FROM bazaar.inventory_events_unpartitioned;
DROP TABLE bazaar.inventory_events_unpartitioned;

GRANT SELECT, INSERT, UPDATE ON bazaar.inventory_events TO bazaar_app;
GRANT USAGE ON SEQUENCE bazaar.inventory_event_ids TO bazaar_app;

-- ---------------------------------------------------------------- 2. thresholds
CREATE TABLE bazaar.stock_thresholds (
    store_id         uuid NOT NULL REFERENCES bazaar.stores (id),
    product_id       uuid NOT NULL REFERENCES bazaar.products (id),
    reorder_point    numeric(18,3) NOT NULL CHECK (reorder_point >= 0),
    reorder_quantity numeric(18,3) CHECK (reorder_quantity > 0),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, product_id)
);
INSERT INTO bazaar.stock_thresholds (store_id, product_id, reorder_point, updated_at)
SELECT store_id, product_id, reorder_point, updated_at FROM bazaar.stock_levels WHERE reorder_point IS NOT NULL;
ALTER TABLE bazaar.stock_levels DROP COLUMN reorder_point;
GRANT SELECT, INSERT, UPDATE, DELETE ON bazaar.stock_thresholds TO bazaar_app;

-- ---------------------------------------------------------------- 3. alerts
CREATE TABLE bazaar.inventory_alerts (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id         uuid NOT NULL REFERENCES bazaar.stores (id),
    product_id       uuid NOT NULL REFERENCES bazaar.products (id),
    kind             text NOT NULL CHECK (kind IN ('low_stock', 'out_of_stock')),
    status           text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
    on_hand          numeric(18,3) NOT NULL,
    reorder_point    numeric(18,3) NOT NULL,
    opened_at        timestamptz NOT NULL,
    changed_at       timestamptz NOT NULL,
    acknowledged_at  timestamptz,
    acknowledged_by  uuid REFERENCES bazaar.users (id),
    resolved_at      timestamptz,
    last_event_id    bigint NOT NULL,
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
-- At most one active alert per (store, product): a second consumer opening one conflicts here.
CREATE UNIQUE INDEX ux_inventory_alerts_active ON bazaar.inventory_alerts (store_id, product_id) WHERE status <> 'resolved';
CREATE INDEX ix_inventory_alerts_store ON bazaar.inventory_alerts (store_id, id DESC);
GRANT SELECT, INSERT, UPDATE ON bazaar.inventory_alerts TO bazaar_app;

-- ---------------------------------------------------------------- 4. the consumers' inbox
CREATE TABLE bazaar.processed_events (
    consumer     text NOT NULL,
    event_id     bigint NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
CREATE INDEX ix_processed_events_processed_at ON bazaar.processed_events (processed_at);
GRANT SELECT, INSERT, DELETE ON bazaar.processed_events TO bazaar_app;

-- ---------------------------------------------------------------- 5. dead letters
CREATE TABLE bazaar.dead_letters (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id       text,
    exchange         text NOT NULL,
    routing_key      text NOT NULL,
    queue            text NOT NULL,
    reason           text NOT NULL,
    delivery_count   int,
    headers          jsonb NOT NULL,
    body             bytea NOT NULL,
    dead_lettered_at timestamptz NOT NULL DEFAULT now(),
    replayed_at      timestamptz,
    replayed_by      uuid REFERENCES bazaar.users (id)
);
CREATE INDEX ix_dead_letters_waiting ON bazaar.dead_letters (id) WHERE replayed_at IS NULL;
GRANT SELECT, INSERT, UPDATE, DELETE ON bazaar.dead_letters TO bazaar_app;

-- ---------------------------------------------------------------- the application role
-- The identity sequences of the new tables.
GRANT USAGE ON ALL SEQUENCES IN SCHEMA bazaar TO bazaar_app;
