-- Movements are immutable: corrections are new movements. Refuses every UPDATE and DELETE of
-- stock_movements, the owner's included (trigger trg_movements_append_only).
CREATE OR REPLACE FUNCTION bazaar.reject_movement_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stock movements are append-only' USING ERRCODE = 'BZ900';
END $$;
