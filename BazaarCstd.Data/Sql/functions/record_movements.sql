-- The write path. One call records a whole document (a single movement, a batch, a transfer, a
-- count) atomically: any failing line raises and nothing of the document is written.
--
-- p_lines: jsonb array of
--   { "kind": stock_in|sale|removal|transfer_out|transfer_in|count,
--     "storeId", "productId" | "sku", "quantity" (count: "countedQuantity", "expectedOnHand"?),
--     "reason"?, "reference"?, "note"?, "occurredAt"?, "deviceId"? }
--
-- Decrements are the guarded UPDATE ... WHERE on_hand >= q: under any concurrency a sale either
-- finds the stock and takes it or finds no row and raises BZ001; the CHECK (on_hand >= 0) on
-- stock_levels is the last line of defence. Lines are applied in (store, product) order, so two
-- documents touching the same rows take their locks in the same order and cannot deadlock.
--
-- Errors (SQLSTATE, MESSAGE is a JSON object the API turns into a problem response):
--   BZ001 insufficient stock   BZ002 unknown product   BZ003 unknown store
--   BZ004 archived product     BZ005 fractional quantity for a unit counted in whole numbers
--   BZ006 count no longer matches expectedOnHand       BZ007 archived store
--   BZ020 occurredAt on or before the stock freeze (settings.stock_frozen_until)
--   BZ021 occurredAt further back than the actor's backdating window: settings
--         stock_backdating_days_staff / _manager / _admin by the actor's highest role (null: no window);
--         no actor (the demo seeder, the load run): no window
--   BZ022 a count dated before the shelf's latest count (a count pins on-hand at its occurredAt)
--
-- Snapshots (bazaar.stock_snapshots) stay exact: a line dated before the snapshot horizon adds its
-- delta to its shelf's snapshots after its date, holding the snapshot lock shared to its commit so
-- a snapshot build (which holds it exclusively) either saw the movement or runs after it. The
-- horizon is read under the same ROW SHARE lock as the freeze (advance_stock_snapshot_horizon).
--
-- The freeze cannot be slipped past: the call holds ROW SHARE on bazaar.settings from its first
-- statement to its commit, and setting the freeze takes EXCLUSIVE on it (SettingsEndpoints), so the
-- freeze waits for writes in flight, and a write that starts meanwhile waits, then reads the new value.
CREATE OR REPLACE FUNCTION bazaar.record_movements(
    p_lines jsonb,
    p_batch_id uuid,
    p_actor_id uuid DEFAULT NULL,
    p_idempotency_key text DEFAULT NULL)
RETURNS TABLE (
    line_no int, movement_id bigint, store_id uuid, product_id uuid, sku text, kind text,
    quantity numeric, delta numeric, reason text, reference text, note text,
    occurred_at timestamptz, recorded_at timestamptz, device_id text,
    on_hand numeric, version bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    r record;
    v_delta numeric(18,3);
    v_qty numeric(18,3);
    v_kind text;
    v_on_hand numeric(18,3);
    v_version bigint;
    v_available numeric(18,3);
    v_movement_id bigint;
    v_now timestamptz := now();
    v_trace_parent text := nullif(current_setting('bazaar.trace_parent', true), '');
    v_frozen_until timestamptz;
    v_staff_days int;
    v_manager_days int;
    v_admin_days int;
    v_window_days int;
    v_window_known boolean := false;
    v_last_count timestamptz;
    v_horizon timestamptz;
    v_snapshots_locked boolean := false;
BEGIN
    LOCK TABLE bazaar.settings IN ROW SHARE MODE;
    SELECT (max(st.value #>> '{}') FILTER (WHERE st.key = 'stock_frozen_until'))::timestamptz,
           (max(st.value #>> '{}') FILTER (WHERE st.key = 'stock_backdating_days_staff'))::int,
           (max(st.value #>> '{}') FILTER (WHERE st.key = 'stock_backdating_days_manager'))::int,
           (max(st.value #>> '{}') FILTER (WHERE st.key = 'stock_backdating_days_admin'))::int
      INTO v_frozen_until, v_staff_days, v_manager_days, v_admin_days
      FROM bazaar.settings st;
    SELECT h.at INTO v_horizon FROM bazaar.stock_snapshot_horizon h;

    FOR r IN
        SELECT l.ord::int AS ord, l.kind AS line_kind, l."storeId" AS line_store, l."productId" AS line_product,
               l.sku AS line_sku, l.quantity AS line_quantity, l."countedQuantity" AS counted,
               l."expectedOnHand" AS expected, l.reason AS line_reason, l.reference AS line_reference,
               l.note AS line_note, coalesce(l."occurredAt", v_now) AS line_occurred, l."deviceId" AS line_device,
               p.id AS pid, p.sku AS psku, p.unit AS punit, p.archived_at AS parchived,
               s.id AS sid, s.archived_at AS sarchived
        FROM ROWS FROM (jsonb_to_recordset(p_lines) AS (
                 kind text, "storeId" uuid, "productId" uuid, sku text, quantity numeric,
                 "countedQuantity" numeric, "expectedOnHand" numeric, reason text, reference text,
                 note text, "occurredAt" timestamptz, "deviceId" text))
             WITH ORDINALITY AS l(kind, "storeId", "productId", sku, quantity, "countedQuantity",
                 "expectedOnHand", reason, reference, note, "occurredAt", "deviceId", ord)
        LEFT JOIN bazaar.products p
               ON (l."productId" IS NOT NULL AND p.id = l."productId")
               OR (l."productId" IS NULL AND lower(p.sku) = lower(l.sku))
        LEFT JOIN bazaar.stores s ON s.id = l."storeId"
        ORDER BY l."storeId", p.id, l.ord
    LOOP
        IF r.sid IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'BZ003',
                MESSAGE = json_build_object('line', r.ord, 'storeId', r.line_store)::text;
        END IF;
        IF r.sarchived IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'BZ007',
                MESSAGE = json_build_object('line', r.ord, 'storeId', r.sid)::text;
        END IF;
        IF r.pid IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'BZ002',
                MESSAGE = json_build_object('line', r.ord, 'productId', r.line_product, 'sku', r.line_sku)::text;
        END IF;
        IF r.parchived IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'BZ004',
                MESSAGE = json_build_object('line', r.ord, 'productId', r.pid, 'sku', r.psku)::text;
        END IF;
        IF r.line_occurred <= v_frozen_until THEN
            RAISE EXCEPTION USING ERRCODE = 'BZ020',
                MESSAGE = json_build_object('line', r.ord, 'occurredAt', r.line_occurred, 'frozenUntil', v_frozen_until)::text;
        END IF;
        -- The actor's roles are looked up once, and only for a line older than the narrowest window.
        IF p_actor_id IS NOT NULL AND r.line_occurred < v_now - make_interval(days => least(v_staff_days, v_manager_days, v_admin_days)) THEN
            IF NOT v_window_known THEN
                SELECT CASE WHEN bool_or(ur.role = 'ADMIN') THEN v_admin_days
                            WHEN bool_or(ur.role = 'STORE_MANAGER') THEN v_manager_days
                            ELSE v_staff_days END
                  INTO v_window_days
                  FROM bazaar.user_roles ur WHERE ur.user_id = p_actor_id;
                v_window_known := true;
            END IF;
            IF r.line_occurred < v_now - make_interval(days => v_window_days) THEN
                RAISE EXCEPTION USING ERRCODE = 'BZ021',
                    MESSAGE = json_build_object('line', r.ord, 'occurredAt', r.line_occurred, 'days', v_window_days,
                                                'earliest', v_now - make_interval(days => v_window_days))::text;
            END IF;
        END IF;

        v_kind := r.line_kind;
        IF v_kind = 'count' THEN
            IF r.punit IN ('each', 'pack') AND r.counted <> trunc(r.counted) THEN
                RAISE EXCEPTION USING ERRCODE = 'BZ005',
                    MESSAGE = json_build_object('line', r.ord, 'unit', r.punit, 'quantity', r.counted)::text;
            END IF;
            -- Make sure the row exists so the count holds its lock even for a never-stocked product.
            INSERT INTO bazaar.stock_levels AS sl (store_id, product_id, on_hand)
            VALUES (r.sid, r.pid, 0)
            ON CONFLICT DO NOTHING;
            SELECT sl.on_hand, sl.version INTO v_on_hand, v_version
            FROM bazaar.stock_levels sl
            WHERE sl.store_id = r.sid AND sl.product_id = r.pid
            FOR UPDATE;
            -- Under the row lock: a count of this shelf committed before us is visible now.
            SELECT max(m.occurred_at) INTO v_last_count
              FROM bazaar.stock_movements m
             WHERE m.store_id = r.sid AND m.product_id = r.pid AND m.kind = 'count_adjustment';
            IF r.line_occurred < v_last_count THEN
                RAISE EXCEPTION USING ERRCODE = 'BZ022',
                    MESSAGE = json_build_object('line', r.ord, 'occurredAt', r.line_occurred, 'lastCountAt', v_last_count)::text;
            END IF;
            IF r.expected IS NOT NULL AND r.expected <> v_on_hand THEN
                RAISE EXCEPTION USING ERRCODE = 'BZ006',
                    MESSAGE = json_build_object('line', r.ord, 'expectedOnHand', r.expected, 'onHand', v_on_hand)::text;
            END IF;
            v_delta := r.counted - v_on_hand;
            IF v_delta = 0 THEN
                line_no := r.ord; movement_id := NULL; store_id := r.sid; product_id := r.pid; sku := r.psku;
                kind := 'count_adjustment'; quantity := 0; delta := 0; reason := r.line_reason;
                reference := r.line_reference; note := r.line_note; occurred_at := r.line_occurred;
                recorded_at := v_now; device_id := r.line_device; on_hand := v_on_hand; version := v_version;
                RETURN NEXT;
                CONTINUE;
            END IF;
            v_kind := 'count_adjustment';
            v_qty := abs(v_delta);
            v_movement_id := nextval('bazaar.stock_movements_id_seq');
            UPDATE bazaar.stock_levels sl
               SET on_hand = sl.on_hand + v_delta, version = sl.version + 1,
                   last_movement_id = v_movement_id, updated_at = v_now
             WHERE sl.store_id = r.sid AND sl.product_id = r.pid
            RETURNING sl.on_hand, sl.version INTO v_on_hand, v_version;
        ELSE
            v_qty := r.line_quantity;
            IF r.punit IN ('each', 'pack') AND v_qty <> trunc(v_qty) THEN
                RAISE EXCEPTION USING ERRCODE = 'BZ005',
                    MESSAGE = json_build_object('line', r.ord, 'unit', r.punit, 'quantity', v_qty)::text;
            END IF;
            v_movement_id := nextval('bazaar.stock_movements_id_seq');
            IF v_kind IN ('sale', 'removal', 'transfer_out') THEN
                v_delta := -v_qty;
                UPDATE bazaar.stock_levels sl
                   SET on_hand = sl.on_hand - v_qty, version = sl.version + 1,
                       last_movement_id = v_movement_id, updated_at = v_now
                 WHERE sl.store_id = r.sid AND sl.product_id = r.pid AND sl.on_hand >= v_qty
                RETURNING sl.on_hand, sl.version INTO v_on_hand, v_version;
                IF NOT FOUND THEN
                    SELECT coalesce(max(sl.on_hand), 0) INTO v_available
                    FROM bazaar.stock_levels sl WHERE sl.store_id = r.sid AND sl.product_id = r.pid;
                    RAISE EXCEPTION USING ERRCODE = 'BZ001',
                        MESSAGE = json_build_object('line', r.ord, 'storeId', r.sid, 'productId', r.pid,
                                                    'sku', r.psku, 'requested', v_qty, 'available', v_available)::text;
                END IF;
            ELSE
                v_delta := v_qty;
                INSERT INTO bazaar.stock_levels AS sl (store_id, product_id, on_hand, version, last_movement_id, updated_at)
                VALUES (r.sid, r.pid, v_qty, 1, v_movement_id, v_now)
                ON CONFLICT ON CONSTRAINT stock_levels_pkey DO UPDATE
                   SET on_hand = sl.on_hand + excluded.on_hand, version = sl.version + 1,
                       last_movement_id = excluded.last_movement_id, updated_at = excluded.updated_at
                RETURNING sl.on_hand, sl.version INTO v_on_hand, v_version;
            END IF;
        END IF;

        INSERT INTO bazaar.stock_movements (id, store_id, product_id, kind, quantity, delta, reason, reference,
                                            note, occurred_at, recorded_at, actor_id, device_id, idempotency_key, batch_id)
        VALUES (v_movement_id, r.sid, r.pid, v_kind, v_qty, v_delta, r.line_reason, r.line_reference,
                r.line_note, r.line_occurred, v_now, p_actor_id, r.line_device, p_idempotency_key, p_batch_id);

        IF r.line_occurred < v_horizon THEN
            IF NOT v_snapshots_locked THEN
                PERFORM pg_advisory_xact_lock_shared(hashtext('bazaar.stock_snapshots'));
                v_snapshots_locked := true;
            END IF;
            UPDATE bazaar.stock_snapshots ss
               SET on_hand = ss.on_hand + v_delta, last_occurred = greatest(ss.last_occurred, r.line_occurred)
             WHERE ss.store_id = r.sid AND ss.product_id = r.pid AND ss.at > r.line_occurred;
        END IF;

        INSERT INTO bazaar.inventory_events (type, store_id, product_id, payload, occurred_at, trace_parent)
        VALUES ('stock.changed', r.sid, r.pid,
                json_build_object('movementId', v_movement_id, 'batchId', p_batch_id, 'kind', v_kind,
                                  'delta', v_delta, 'onHand', v_on_hand, 'version', v_version,
                                  'sku', r.psku, 'occurredAt', r.line_occurred)::jsonb,
                v_now, v_trace_parent);

        line_no := r.ord; movement_id := v_movement_id; store_id := r.sid; product_id := r.pid; sku := r.psku;
        kind := v_kind; quantity := v_qty; delta := v_delta; reason := r.line_reason; reference := r.line_reference;
        note := r.line_note; occurred_at := r.line_occurred; recorded_at := v_now; device_id := r.line_device;
        on_hand := v_on_hand; version := v_version;
        RETURN NEXT;
    END LOOP;
END $$;
