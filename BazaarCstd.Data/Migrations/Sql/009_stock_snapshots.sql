-- Stock snapshots: stock as of any instant without re-summing the whole ledger. Applied by the
-- StockSnapshots migration.
--
-- bazaar.stock_snapshots: a shelf's on-hand counted over its movements with occurred_at < at, kept
--   every ~N movements of the shelf at day boundaries (bazaar.build_stock_snapshots). Exact to the
--   movement: a movement dated before a snapshot's instant, recorded later, adds its delta to the
--   snapshot in the same transaction (bazaar.record_movements).
-- bazaar.stock_snapshot_horizon: the one instant below which snapshots may exist or be in the making,
--   and how far the build for it has come. The ledger reads it on every call: a line dated before it
--   must update the snapshots after its date (see record_movements for the locking).
CREATE TABLE bazaar.stock_snapshots (
    store_id      uuid NOT NULL,
    product_id    uuid NOT NULL,
    at            timestamptz NOT NULL,
    on_hand       numeric(18,3) NOT NULL,
    last_occurred timestamptz NOT NULL,
    level_version bigint NOT NULL,
    CONSTRAINT pk_stock_snapshots PRIMARY KEY (store_id, product_id, at),
    CONSTRAINT fk_stock_snapshots_level FOREIGN KEY (store_id, product_id)
        REFERENCES bazaar.stock_levels (store_id, product_id)
);

CREATE TABLE bazaar.stock_snapshot_horizon (
    id            boolean PRIMARY KEY DEFAULT true CHECK (id),
    at            timestamptz NOT NULL DEFAULT '-infinity',
    built         boolean NOT NULL DEFAULT true,
    after_store   uuid,
    after_product uuid
);
INSERT INTO bazaar.stock_snapshot_horizon DEFAULT VALUES;

GRANT SELECT, INSERT, UPDATE, DELETE ON bazaar.stock_snapshots TO bazaar_app;
GRANT SELECT, UPDATE ON bazaar.stock_snapshot_horizon TO bazaar_app;
