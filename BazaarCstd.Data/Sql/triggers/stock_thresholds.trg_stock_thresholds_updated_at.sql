-- Stamps updated_at on every update (see functions/touch_updated_at.sql).
CREATE OR REPLACE TRIGGER trg_stock_thresholds_updated_at BEFORE UPDATE ON bazaar.stock_thresholds
    FOR EACH ROW EXECUTE FUNCTION bazaar.touch_updated_at();
