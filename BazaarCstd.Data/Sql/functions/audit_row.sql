-- The row trigger: TG_ARGV[0] the table's name (row triggers on a partition see the partition's),
-- TG_ARGV[1] its key columns (comma-separated; the key is their values joined by '/'), TG_ARGV[2]
-- columns whose values must never be copied (their value becomes "redacted", or "redacted, changed").
-- An UPDATE that changed nothing writes no row. Runs as the owner: the application cannot write
-- audit rows of its own.
CREATE OR REPLACE FUNCTION bazaar.audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_old jsonb;
    v_new jsonb;
    v_row jsonb;
    v_key text;
    v_col text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        v_old := to_jsonb(OLD);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        v_new := to_jsonb(NEW);
    END IF;
    IF TG_OP = 'UPDATE' AND v_old = v_new THEN
        RETURN NULL;
    END IF;

    v_row := coalesce(v_new, v_old);
    IF strpos(TG_ARGV[1], ',') = 0 THEN
        v_key := v_row ->> TG_ARGV[1];
    ELSE
        SELECT string_agg(v_row ->> k.col, '/' ORDER BY k.ord) INTO v_key
        FROM unnest(string_to_array(TG_ARGV[1], ',')) WITH ORDINALITY AS k(col, ord);
    END IF;

    IF TG_NARGS > 2 THEN
        FOREACH v_col IN ARRAY string_to_array(TG_ARGV[2], ',') LOOP
            IF v_new ? v_col THEN
                v_new := jsonb_set(v_new, ARRAY[v_col], to_jsonb(
                    CASE WHEN v_old IS NOT NULL AND v_old -> v_col IS DISTINCT FROM v_new -> v_col
                         THEN 'redacted, changed' ELSE 'redacted' END));
            END IF;
            IF v_old ? v_col THEN
                v_old := jsonb_set(v_old, ARRAY[v_col], to_jsonb('redacted'::text));
            END IF;
        END LOOP;
    END IF;

    INSERT INTO bazaar.audit_logs (table_name, operation, row_key, old_data, new_data, actor_id, request_id)
    VALUES (TG_ARGV[0], TG_OP, v_key, v_old, v_new,
            nullif(current_setting('bazaar.actor_id', true), '')::uuid,
            nullif(current_setting('bazaar.request_id', true), ''));
    RETURN NULL;
END $$;
