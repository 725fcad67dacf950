-- Reverts 004_audit_log.sql: the audit log, its triggers and functions, and the application role's
-- privileges in this database. The role itself is cluster-wide and may serve other databases, so it stays.

ALTER DEFAULT PRIVILEGES IN SCHEMA bazaar REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM bazaar_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA bazaar REVOKE USAGE ON SEQUENCES FROM bazaar_app;

DROP FUNCTION bazaar.record_movements_scoped(uuid, text, jsonb, uuid, text, uuid[]);
CREATE FUNCTION bazaar.record_movements_scoped(
    p_lines jsonb,
    p_batch_id uuid,
    p_actor_id uuid,
    p_idempotency_key text,
    p_stores uuid[])
RETURNS TABLE (
    line_no int, movement_id bigint, store_id uuid, product_id uuid, sku text, kind text,
    quantity numeric, delta numeric, reason text, reference text, note text,
    occurred_at timestamptz, recorded_at timestamptz, device_id text,
    on_hand numeric, version bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_line int;
    v_store uuid;
BEGIN
    IF p_stores IS NOT NULL THEN
        SELECT l.ord::int, l."storeId" INTO v_line, v_store
        FROM ROWS FROM (jsonb_to_recordset(p_lines) AS ("storeId" uuid)) WITH ORDINALITY AS l("storeId", ord)
        WHERE l."storeId" IS NULL OR NOT (l."storeId" = ANY (p_stores))
        ORDER BY l.ord
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'BZ003',
                MESSAGE = jsonb_build_object('line', v_line, 'storeId', v_store)::text;
        END IF;
    END IF;

    RETURN QUERY SELECT * FROM bazaar.record_movements(p_lines, p_batch_id, p_actor_id, p_idempotency_key) r;
END $$;

DROP TRIGGER trg_stock_movements_audit ON bazaar.stock_movements;
DROP TRIGGER trg_user_stores_audit ON bazaar.user_stores;
DROP TRIGGER trg_user_roles_audit ON bazaar.user_roles;
DROP TRIGGER trg_users_audit ON bazaar.users;
DROP TRIGGER trg_stores_audit ON bazaar.stores;
DROP TRIGGER trg_products_audit ON bazaar.products;
DROP FUNCTION bazaar.audit_row();
DROP FUNCTION bazaar.set_audit_context(uuid, text);

CREATE OR REPLACE FUNCTION bazaar.ensure_movement_partitions(p_from date, p_months int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    m date := date_trunc('month', p_from)::date;
    created int := 0;
    part text;
BEGIN
    FOR i IN 0 .. p_months - 1 LOOP
        part := format('stock_movements_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
        IF to_regclass('bazaar.' || part) IS NULL THEN
            EXECUTE format('CREATE TABLE bazaar.%I PARTITION OF bazaar.stock_movements FOR VALUES FROM (%L) TO (%L)',
                           part, m, (m + interval '1 month')::date);
            created := created + 1;
        END IF;
        m := (m + interval '1 month')::date;
    END LOOP;
    RETURN created;
END $$;
DROP FUNCTION bazaar.ensure_monthly_partitions(text, date, int);

DROP TABLE bazaar.audit_logs;
DROP FUNCTION bazaar.reject_audit_change();

REVOKE ALL ON ALL TABLES IN SCHEMA bazaar FROM bazaar_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA bazaar FROM bazaar_app;
REVOKE ALL ON SCHEMA bazaar FROM bazaar_app;
