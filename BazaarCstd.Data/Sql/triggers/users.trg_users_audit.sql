-- Every change writes an audit row in the same transaction (see functions/audit_row.sql); the
-- password hash is never copied into it.
CREATE OR REPLACE TRIGGER trg_users_audit AFTER INSERT OR UPDATE OR DELETE ON bazaar.users
    FOR EACH ROW EXECUTE FUNCTION bazaar.audit_row('users', 'id', 'password_hash');
