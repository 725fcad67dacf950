-- Audit rows are immutable, even for the owner.
CREATE OR REPLACE TRIGGER trg_audit_logs_immutable BEFORE UPDATE OR DELETE ON bazaar.audit_logs
    FOR EACH ROW EXECUTE FUNCTION bazaar.reject_audit_change();
