-- The audit log and the application's own database role. Applied by the AuditLog migration.
--
-- Every insert, update and delete of products, stores, users, user_roles, user_stores and every new
-- stock movement writes one audit_logs row from a trigger, in the same transaction as the change.
-- The API names the acting user and the request per transaction (bazaar.set_audit_context, i.e.
-- set_config(..., true)); the trigger reads them back with current_setting(..., true).
--
-- The API and the Worker log in as bazaar_app, which may read the audit log but not write, update or
-- delete it: rows are written by the SECURITY DEFINER trigger function only. Migrations run as the
-- owner of the schema. The MigrationService gives bazaar_app its LOGIN and password.

-- ---------------------------------------------------------------- the application role
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bazaar_app') THEN
        CREATE ROLE bazaar_app NOLOGIN;
    END IF;
END $$;

GRANT USAGE ON SCHEMA bazaar TO bazaar_app;
-- Catalog, stores and users are archived or deactivated, never deleted.
GRANT SELECT, INSERT, UPDATE ON bazaar.products, bazaar.stores, bazaar.users, bazaar.stock_levels TO bazaar_app;
GRANT SELECT, INSERT, DELETE ON bazaar.user_roles, bazaar.user_stores TO bazaar_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON bazaar.refresh_tokens, bazaar.inventory_events, bazaar.idempotency_keys TO bazaar_app;
-- The ledger is append-only (its trigger also refuses UPDATE/DELETE to the owner).
GRANT SELECT, INSERT ON bazaar.stock_movements TO bazaar_app;
GRANT SELECT ON bazaar.current_inventory TO bazaar_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA bazaar TO bazaar_app;

-- ---------------------------------------------------------------- the audit log
CREATE SEQUENCE bazaar.audit_logs_id_seq AS bigint;

CREATE TABLE bazaar.audit_logs (
    id         bigint NOT NULL DEFAULT nextval('bazaar.audit_logs_id_seq'),
    at         timestamptz NOT NULL DEFAULT now(),
    table_name text NOT NULL,
    operation  text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
    row_key    text NOT NULL,
    old_data   jsonb,
    new_data   jsonb,
    actor_id   uuid,
    request_id text,
    db_user    text NOT NULL DEFAULT session_user,
    PRIMARY KEY (at, id)
) PARTITION BY RANGE (at);
ALTER SEQUENCE bazaar.audit_logs_id_seq OWNED BY bazaar.audit_logs.id;

-- The primary key serves the unfiltered list (newest first); these serve the two usual questions.
CREATE INDEX ix_audit_logs_table_at ON bazaar.audit_logs (table_name, at, id);
CREATE INDEX ix_audit_logs_actor_at ON bazaar.audit_logs (actor_id, at, id) WHERE actor_id IS NOT NULL;

-- Read only: rows are written by the trigger function below, as the owner.
GRANT SELECT ON bazaar.audit_logs TO bazaar_app;

-- Immutable even for the owner: old months go by dropping their partition, never row by row.
CREATE FUNCTION bazaar.reject_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log rows cannot be changed or deleted' USING ERRCODE = 'BZ901';
END $$;
CREATE TRIGGER trg_audit_logs_immutable BEFORE UPDATE OR DELETE ON bazaar.audit_logs
    FOR EACH ROW EXECUTE FUNCTION bazaar.reject_audit_change();

-- ---------------------------------------------------------------- monthly partitions
-- Creates the monthly partitions of p_table (stock_movements or audit_logs) from the month of
-- p_from for p_months months; idempotent. SECURITY DEFINER: only the owner may create partitions,
-- and the worker's maintenance runs as bazaar_app. Bounds are midnights in the caller's time zone.
CREATE FUNCTION bazaar.ensure_monthly_partitions(p_table text, p_from date, p_months int) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m date := date_trunc('month', p_from)::date;
    created int := 0;
    part text;
BEGIN
    IF p_table NOT IN ('stock_movements', 'audit_logs') THEN
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

-- Every movement writes an audit row in the same statement, so the two tables' months must exist
-- together: the function the worker's maintenance calls keeps both ahead.
CREATE OR REPLACE FUNCTION bazaar.ensure_movement_partitions(p_from date, p_months int) RETURNS int
LANGUAGE sql AS $$
    SELECT bazaar.ensure_monthly_partitions('stock_movements', p_from, p_months)
         + bazaar.ensure_monthly_partitions('audit_logs', p_from, p_months);
$$;
SELECT bazaar.ensure_monthly_partitions('audit_logs', now()::date, 4);

-- ---------------------------------------------------------------- who and why
-- Names the acting user and the request for the audit rows of the current transaction only
-- (set_config(..., true)): nothing survives on a pooled connection. NULL clears either.
CREATE FUNCTION bazaar.set_audit_context(p_actor_id uuid, p_request_id text) RETURNS void
LANGUAGE sql AS $$
    SELECT set_config('bazaar.actor_id', coalesce(p_actor_id::text, ''), true),
           set_config('bazaar.request_id', coalesce(p_request_id, ''), true);
$$;

-- The row trigger: TG_ARGV[0] the table's name (row triggers on a partition see the partition's),
-- TG_ARGV[1] its key columns (comma-separated; the key is their values joined by '/'), TG_ARGV[2]
-- columns whose values must never be copied (their value becomes "redacted", or "redacted, changed").
-- An UPDATE that changed nothing writes no row. Runs as the owner: the application cannot write
-- audit rows of its own.
CREATE FUNCTION bazaar.audit_row() RETURNS trigger
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

CREATE TRIGGER trg_products_audit AFTER INSERT OR UPDATE OR DELETE ON bazaar.products
    FOR EACH ROW EXECUTE FUNCTION bazaar.audit_row('products', 'id');
CREATE TRIGGER trg_stores_audit AFTER INSERT OR UPDATE OR DELETE ON bazaar.stores
    FOR EACH ROW EXECUTE FUNCTION bazaar.audit_row('stores', 'id');
CREATE TRIGGER trg_users_audit AFTER INSERT OR UPDATE OR DELETE ON bazaar.users
    FOR EACH ROW EXECUTE FUNCTION bazaar.audit_row('users', 'id', 'password_hash');
CREATE TRIGGER trg_user_roles_audit AFTER INSERT OR UPDATE OR DELETE ON bazaar.user_roles
    FOR EACH ROW EXECUTE FUNCTION bazaar.audit_row('user_roles', 'user_id,role');
CREATE TRIGGER trg_user_stores_audit AFTER INSERT OR UPDATE OR DELETE ON bazaar.user_stores
    FOR EACH ROW EXECUTE FUNCTION bazaar.audit_row('user_stores', 'user_id,store_id');
-- Movements are only ever inserted (trg_movements_append_only refuses the rest).
CREATE TRIGGER trg_stock_movements_audit AFTER INSERT ON bazaar.stock_movements
    FOR EACH ROW EXECUTE FUNCTION bazaar.audit_row('stock_movements', 'id');

-- ---------------------------------------------------------------- the write path, with its context
-- record_movements_scoped now also names the actor and the request for the audit log, so a sale
-- stays one statement and one round trip. (Replaces the five-argument version of 003_identity.sql.)
DROP FUNCTION bazaar.record_movements_scoped(jsonb, uuid, uuid, text, uuid[]);

CREATE FUNCTION bazaar.record_movements_scoped(
    p_actor_id uuid,
    p_request_id text,
    p_lines jsonb,
    p_batch_id uuid,
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
    PERFORM bazaar.set_audit_context(p_actor_id, p_request_id);

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

-- ---------------------------------------------------------------- later migrations
-- Tables and sequences later migrations create (as the same owner) are usable by the application
-- without a grant per migration. Partitions are not: ensure_monthly_partitions revokes these again,
-- so the application reaches partitions only through their parent table and its privileges.
ALTER DEFAULT PRIVILEGES IN SCHEMA bazaar GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO bazaar_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA bazaar GRANT USAGE ON SEQUENCES TO bazaar_app;
