-- Every change writes an audit row in the same transaction (see functions/audit_row.sql).
CREATE OR REPLACE TRIGGER trg_user_stores_audit AFTER INSERT OR UPDATE OR DELETE ON bazaar.user_stores
    FOR EACH ROW EXECUTE FUNCTION bazaar.audit_row('user_stores', 'user_id,store_id');
