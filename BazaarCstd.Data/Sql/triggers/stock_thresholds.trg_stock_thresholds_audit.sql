-- Every change writes an audit row in the same transaction (see functions/audit_row.sql).
CREATE OR REPLACE TRIGGER trg_stock_thresholds_audit AFTER INSERT OR UPDATE OR DELETE ON bazaar.stock_thresholds
    FOR EACH ROW EXECUTE FUNCTION bazaar.audit_row('stock_thresholds', 'store_id,product_id');
