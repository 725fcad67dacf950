-- Every change writes an audit row in the same transaction (see functions/audit_row.sql).
CREATE OR REPLACE TRIGGER trg_user_roles_audit AFTER INSERT OR UPDATE OR DELETE ON bazaar.user_roles
    FOR EACH ROW EXECUTE FUNCTION bazaar.audit_row('user_roles', 'user_id,role');
