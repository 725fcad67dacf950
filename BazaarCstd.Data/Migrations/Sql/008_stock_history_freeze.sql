-- Stock history freeze. Applied by the StockHistoryFreeze migration.
--
-- bazaar.settings: chain-wide settings, one row per key, every change audited (trg_settings_audit).
--   stock_frozen_until              timestamptz or null: movements with an occurredAt on or before it are refused
--   stock_backdating_days_staff     how many days back a STAFF user may date a movement (7)
--   stock_backdating_days_manager   the same for a STORE_MANAGER (90)
--   stock_backdating_days_admin     the same for an ADMIN (null: no limit but the freeze)
-- record_movements reads them on every call (see Sql/functions/record_movements.sql).
CREATE TABLE bazaar.settings (
    key        text PRIMARY KEY,
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO bazaar.settings (key, value) VALUES
    ('stock_frozen_until', 'null'),
    ('stock_backdating_days_staff', '7'),
    ('stock_backdating_days_manager', '90'),
    ('stock_backdating_days_admin', 'null');

-- The application changes values; keys come and go only with migrations.
GRANT SELECT, UPDATE ON bazaar.settings TO bazaar_app;

-- A count pins on-hand at its occurredAt: the ledger looks up the shelf's latest count.
CREATE INDEX ix_movements_counts ON bazaar.stock_movements (store_id, product_id, occurred_at DESC)
    WHERE kind = 'count_adjustment';
