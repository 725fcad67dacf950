-- Movements are immutable: corrections are new movements.
CREATE OR REPLACE TRIGGER trg_movements_append_only BEFORE UPDATE OR DELETE ON bazaar.stock_movements
    FOR EACH ROW EXECUTE FUNCTION bazaar.reject_movement_change();
