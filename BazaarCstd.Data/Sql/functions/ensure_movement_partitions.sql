-- Creates the monthly partitions of stock_movements, audit_logs and inventory_events from the month
-- of p_from for p_months months; idempotent; returns how many it created. Every movement writes an
-- audit row and an outbox event in the same statement, so the three tables' months must exist
-- together: this is the function the worker's maintenance calls to keep them ahead.
CREATE OR REPLACE FUNCTION bazaar.ensure_movement_partitions(p_from date, p_months int) RETURNS int
LANGUAGE sql AS $$
    SELECT bazaar.ensure_monthly_partitions('stock_movements', p_from, p_months)
         + bazaar.ensure_monthly_partitions('audit_logs', p_from, p_months)
         + bazaar.ensure_monthly_partitions('inventory_events', p_from, p_months);
$$;
