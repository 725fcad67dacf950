-- Creates the monthly partitions of p_table (stock_movements, audit_logs or inventory_events) from the month of
-- p_from for p_months months; idempotent. SECURITY DEFINER: only the owner may create partitions,
-- and the worker's maintenance runs as bazaar_app. Bounds are midnights in the caller's time zone.
-- A new partition is closed to bazaar_app: the application reaches it only through its parent.
CREATE OR REPLACE FUNCTION bazaar.ensure_monthly_partitions(p_table text, p_from date, p_months int) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m date := date_trunc('month', p_from)::date;
    created int := 0;
    part text;
BEGIN
    IF p_table NOT IN ('stock_movements', 'audit_logs', 'inventory_events') THEN
        RAISE EXCEPTION 'bazaar.% is not partitioned by month', p_table;
    END IF;
    FOR i IN 0 .. p_months - 1 LOOP
        part := format('%s_y%sm%s', p_table, to_char(m, 'YYYY'), to_char(m, 'MM'));
        IF to_regclass('bazaar.' || part) IS NULL THEN
            EXECUTE format('CREATE TABLE bazaar.%I PARTITION OF bazaar.%I FOR VALUES FROM (%L) TO (%L)',
                           part, p_table, m, (m + interval '1 month')::date);
            EXECUTE format('REVOKE ALL ON bazaar.%I FROM bazaar_app', part);
            created := created + 1;
        END IF;
        m := (m + interval '1 month')::date;
    END LOOP;
    RETURN created;
END $$;
REVOKE ALL ON FUNCTION bazaar.ensure_monthly_partitions(text, date, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bazaar.ensure_monthly_partitions(text, date, int) TO bazaar_app;
