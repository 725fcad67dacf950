-- Audit rows are immutable, even for the owner: old months go by dropping their partition, never
-- row by row (trigger trg_audit_logs_immutable).
CREATE OR REPLACE FUNCTION bazaar.reject_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log rows cannot be changed or deleted' USING ERRCODE = 'BZ901';
END $$;
