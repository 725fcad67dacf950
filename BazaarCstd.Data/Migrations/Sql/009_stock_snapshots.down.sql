-- Undoes 009_stock_snapshots.sql.
DROP FUNCTION IF EXISTS bazaar.build_stock_snapshots(int, int);
DROP FUNCTION IF EXISTS bazaar.advance_stock_snapshot_horizon(timestamptz);
DROP FUNCTION IF EXISTS bazaar.verify_stock_snapshots();
DROP TABLE bazaar.stock_snapshots;
DROP TABLE bazaar.stock_snapshot_horizon;
