-- updated_at follows every change (see functions/touch_updated_at.sql).
CREATE OR REPLACE TRIGGER trg_settings_updated_at BEFORE UPDATE ON bazaar.settings
    FOR EACH ROW EXECUTE FUNCTION bazaar.touch_updated_at();
