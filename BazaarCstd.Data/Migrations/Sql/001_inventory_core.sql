-- Inventory core: catalog, stores, the movement ledger and its projection, the outbox, idempotency.
-- Applied by the InventoryCore migration. Everything lives in schema bazaar.

-- ---------------------------------------------------------------- catalog and stores
CREATE TABLE bazaar.products (
    id            uuid PRIMARY KEY,
    sku           text NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description   text CHECK (length(description) <= 2000),
    category      text NOT NULL CHECK (length(category) BETWEEN 1 AND 100),
    unit          text NOT NULL CHECK (unit IN ('each', 'kg', 'g', 'l', 'ml', 'm', 'pack')),
    unit_price    numeric(12,2) NOT NULL CHECK (unit_price >= 0),
    barcode       text CHECK (length(barcode) BETWEEN 1 AND 64),
    reorder_point numeric(18,3) NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    archived_at   timestamptz
);
CREATE UNIQUE INDEX ux_products_sku ON bazaar.products (lower(sku));
CREATE UNIQUE INDEX ux_products_barcode ON bazaar.products (barcode) WHERE barcode IS NOT NULL;
CREATE INDEX ix_products_category_name ON bazaar.products (category, name, id);
CREATE INDEX ix_products_name ON bazaar.products (lower(name) text_pattern_ops);

CREATE TABLE bazaar.stores (
    id          uuid PRIMARY KEY,
    code        text NOT NULL CHECK (length(code) BETWEEN 1 AND 32),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    timezone    text NOT NULL DEFAULT 'UTC',
    address     text CHECK (length(address) <= 500),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz
);
CREATE UNIQUE INDEX ux_stores_code ON bazaar.stores (lower(code));

CREATE FUNCTION bazaar.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER trg_products_updated_at BEFORE UPDATE ON bazaar.products
    FOR EACH ROW EXECUTE FUNCTION bazaar.touch_updated_at();
CREATE TRIGGER trg_stores_updated_at BEFORE UPDATE ON bazaar.stores
    FOR EACH ROW EXECUTE FUNCTION bazaar.touch_updated_at();

-- ---------------------------------------------------------------- the ledger (source of truth)
CREATE SEQUENCE bazaar.stock_movements_id_seq AS bigint;

CREATE TABLE bazaar.stock_movements (
    id              bigint NOT NULL DEFAULT nextval('bazaar.stock_movements_id_seq'),
    store_id        uuid NOT NULL REFERENCES bazaar.stores (id),
    product_id      uuid NOT NULL REFERENCES bazaar.products (id),
    kind            text NOT NULL CHECK (kind IN ('stock_in', 'sale', 'removal', 'transfer_out', 'transfer_in', 'count_adjustment')),
    quantity        numeric(18,3) NOT NULL CHECK (quantity > 0),
    delta           numeric(18,3) NOT NULL CHECK (delta <> 0),
    reason          text,
    reference       text,
    note            text,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    actor_id        uuid,
    device_id       text,
    idempotency_key text,
    batch_id        uuid NOT NULL,
    PRIMARY KEY (id, recorded_at)
) PARTITION BY RANGE (recorded_at);
ALTER SEQUENCE bazaar.stock_movements_id_seq OWNED BY bazaar.stock_movements.id;

CREATE INDEX ix_movements_store_product_occurred ON bazaar.stock_movements (store_id, product_id, occurred_at);
CREATE INDEX ix_movements_recorded ON bazaar.stock_movements (recorded_at DESC, id DESC);
CREATE INDEX ix_movements_store_recorded ON bazaar.stock_movements (store_id, recorded_at DESC, id DESC);
CREATE INDEX ix_movements_product_recorded ON bazaar.stock_movements (product_id, recorded_at DESC, id DESC);
CREATE INDEX ix_movements_reference ON bazaar.stock_movements (reference) WHERE reference IS NOT NULL;
CREATE INDEX ix_movements_batch ON bazaar.stock_movements (batch_id);

-- Movements are immutable: corrections are new movements.
CREATE FUNCTION bazaar.reject_movement_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stock movements are append-only' USING ERRCODE = 'BZ900';
END $$;
CREATE TRIGGER trg_movements_append_only BEFORE UPDATE OR DELETE ON bazaar.stock_movements
    FOR EACH ROW EXECUTE FUNCTION bazaar.reject_movement_change();

-- Creates the monthly partitions from the month of p_from for p_months months; idempotent.
-- Run by the migration (current month -3 .. +3) and kept ahead by the worker's maintenance.
CREATE FUNCTION bazaar.ensure_movement_partitions(p_from date, p_months int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    m date := date_trunc('month', p_from)::date;
    created int := 0;
    part text;
BEGIN
    FOR i IN 0 .. p_months - 1 LOOP
        part := format('stock_movements_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
        IF to_regclass('bazaar.' || part) IS NULL THEN
            EXECUTE format('CREATE TABLE bazaar.%I PARTITION OF bazaar.stock_movements FOR VALUES FROM (%L) TO (%L)',
                           part, m, (m + interval '1 month')::date);
            created := created + 1;
        END IF;
        m := (m + interval '1 month')::date;
    END LOOP;
    RETURN created;
END $$;
SELECT bazaar.ensure_movement_partitions((now() - interval '3 months')::date, 7);

-- ---------------------------------------------------------------- the projection
CREATE TABLE bazaar.stock_levels (
    store_id         uuid NOT NULL REFERENCES bazaar.stores (id),
    product_id       uuid NOT NULL REFERENCES bazaar.products (id),
    on_hand          numeric(18,3) NOT NULL DEFAULT 0 CONSTRAINT ck_stock_levels_on_hand_non_negative CHECK (on_hand >= 0),
    version          bigint NOT NULL DEFAULT 0,
    reorder_point    numeric(18,3) CHECK (reorder_point >= 0),
    last_movement_id bigint,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, product_id)
);
CREATE INDEX ix_stock_levels_product ON bazaar.stock_levels (product_id);

-- The seed's view: stock summed from the ledger. The check on the projection.
CREATE VIEW bazaar.current_inventory AS
    SELECT store_id, product_id, sum(delta)::numeric(18,3) AS on_hand
    FROM bazaar.stock_movements
    GROUP BY store_id, product_id;

-- Every (store, product) where the projection and the ledger disagree; empty means consistent.
CREATE FUNCTION bazaar.verify_stock_levels()
RETURNS TABLE (store_id uuid, product_id uuid, projected numeric, from_movements numeric)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(l.store_id, c.store_id), coalesce(l.product_id, c.product_id),
           coalesce(l.on_hand, 0), coalesce(c.on_hand, 0)
    FROM bazaar.stock_levels l
    FULL JOIN bazaar.current_inventory c ON c.store_id = l.store_id AND c.product_id = l.product_id
    WHERE coalesce(l.on_hand, 0) <> coalesce(c.on_hand, 0)
$$;

-- ---------------------------------------------------------------- outbox and idempotency
CREATE TABLE bazaar.inventory_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type         text NOT NULL,
    store_id     uuid,
    product_id   uuid,
    payload      jsonb NOT NULL,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
CREATE INDEX ix_inventory_events_unpublished ON bazaar.inventory_events (id) WHERE published_at IS NULL;
CREATE INDEX ix_inventory_events_store ON bazaar.inventory_events (store_id, id DESC);

CREATE TABLE bazaar.idempotency_keys (
    scope         text NOT NULL,
    key           text NOT NULL,
    request_hash  text NOT NULL,
    status_code   int,
    response_body text,
    location      text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    completed_at  timestamptz,
    PRIMARY KEY (scope, key)
);
CREATE INDEX ix_idempotency_keys_created ON bazaar.idempotency_keys (created_at);
