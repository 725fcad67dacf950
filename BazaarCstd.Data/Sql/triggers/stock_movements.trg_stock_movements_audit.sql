-- Every new movement writes an audit row in the same statement (see functions/audit_row.sql).
-- Movements are only ever inserted (trg_movements_append_only refuses the rest).
CREATE OR REPLACE TRIGGER trg_stock_movements_audit AFTER INSERT ON bazaar.stock_movements
    FOR EACH ROW EXECUTE FUNCTION bazaar.audit_row('stock_movements', 'id');
