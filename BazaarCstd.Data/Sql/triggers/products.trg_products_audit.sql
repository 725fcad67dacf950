-- Every change writes an audit row in the same transaction (see functions/audit_row.sql).
CREATE OR REPLACE TRIGGER trg_products_audit AFTER INSERT OR UPDATE OR DELETE ON bazaar.products
    FOR EACH ROW EXECUTE FUNCTION bazaar.audit_row('products', 'id');
