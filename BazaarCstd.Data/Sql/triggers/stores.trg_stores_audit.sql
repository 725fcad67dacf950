-- Every change writes an audit row in the same transaction (see functions/audit_row.sql).
CREATE OR REPLACE TRIGGER trg_stores_audit AFTER INSERT OR UPDATE OR DELETE ON bazaar.stores
    FOR EACH ROW EXECUTE FUNCTION bazaar.audit_row('stores', 'id');
