-- Sets (or, with NULL, lifts) the chain-wide stock freeze. EXCLUSIVE on bazaar.settings waits for
-- every record_movements call in flight (each holds ROW SHARE on it until it commits) and holds
-- new ones back until this transaction commits; they then read the new value. So no movement on or
-- before the new date can commit after the freeze does. The audit trigger records who set it.
CREATE OR REPLACE FUNCTION bazaar.set_stock_frozen_until(p_until timestamptz)
RETURNS TABLE (frozen_until timestamptz, updated_at timestamptz)
LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE bazaar.settings IN EXCLUSIVE MODE;
    RETURN QUERY
    UPDATE bazaar.settings s SET value = coalesce(to_jsonb(p_until), 'null'::jsonb)
     WHERE s.key = 'stock_frozen_until'
    RETURNING (s.value #>> '{}')::timestamptz, s.updated_at;
END $$;
