-- Every change of a chain-wide setting (the stock freeze, the backdating windows) writes an audit
-- row in the same transaction, naming who set it (see functions/audit_row.sql).
CREATE OR REPLACE TRIGGER trg_settings_audit AFTER INSERT OR UPDATE OR DELETE ON bazaar.settings
    FOR EACH ROW EXECUTE FUNCTION bazaar.audit_row('settings', 'key');
