-- The alert rule for one (store, product). The caller (apply_stock_alert, apply_stock_alerts) holds
-- the pair's advisory lock and has recorded the event(s) in the inbox; p_event_id is the event the
-- alert row names as its last, p_trace_parent the consumer span its alert.* event continues.
--
-- Brings the pair's alert in line with its CURRENT on-hand and threshold (the store's override in
-- stock_thresholds, else the product's reorder_point), not with the level an event carried, so
-- late, duplicated or out-of-order events cannot leave a stale state, and several events of one
-- pair need one evaluation:
--   no active alert, on hand <= 0                    -> opened out_of_stock
--   no active alert, 0 < on hand <= point            -> opened low_stock
--   active, on hand <= 0                             -> out_of_stock (re-opened if acknowledged)
--   active out_of_stock, 0 < on hand <= point + band -> low_stock (keeps its status)
--   active, on hand > point + band                   -> resolved
-- band = greatest(1, ceil(point / 5)): the hysteresis that keeps a level dancing around the point
-- on one alert instead of opening and resolving one per sale.
-- Each opened/changed/resolved alert writes an alert.* event in the same transaction (the relay
-- publishes it like any other), carrying the consumer's trace context.
-- Returns 'none', 'opened', 'changed' or 'resolved'.
CREATE OR REPLACE FUNCTION bazaar.evaluate_stock_alert(
    p_store_id uuid, p_product_id uuid, p_event_id bigint, p_trace_parent text)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_on_hand numeric(18,3);
    v_point numeric(18,3);
    v_sku text;
    v_kind text;
    v_action text;
    v_alert bazaar.inventory_alerts;
    v_now timestamptz := now();
BEGIN
    SELECT l.on_hand, coalesce(t.reorder_point, p.reorder_point), p.sku INTO v_on_hand, v_point, v_sku
    FROM bazaar.stock_levels l
    JOIN bazaar.products p ON p.id = l.product_id
    LEFT JOIN bazaar.stock_thresholds t ON t.store_id = l.store_id AND t.product_id = l.product_id
    WHERE l.store_id = p_store_id AND l.product_id = p_product_id;
    IF NOT FOUND THEN
        RETURN 'none'; -- never stocked in this store: nothing to watch yet
    END IF;

    SELECT * INTO v_alert FROM bazaar.inventory_alerts a
    WHERE a.store_id = p_store_id AND a.product_id = p_product_id AND a.status <> 'resolved'
    FOR UPDATE;

    IF NOT FOUND THEN
        v_kind := CASE WHEN v_on_hand <= 0 THEN 'out_of_stock' WHEN v_on_hand <= v_point THEN 'low_stock' END;
        IF v_kind IS NULL THEN
            RETURN 'none';
        END IF;
        INSERT INTO bazaar.inventory_alerts (store_id, product_id, kind, status, on_hand, reorder_point, opened_at, changed_at, last_event_id)
        VALUES (p_store_id, p_product_id, v_kind, 'open', v_on_hand, v_point, v_now, v_now, p_event_id)
        RETURNING * INTO v_alert;
        v_action := 'opened';
    ELSE
        v_kind := CASE WHEN v_on_hand <= 0 THEN 'out_of_stock'
                       WHEN v_on_hand > v_point + greatest(1, ceil(v_point / 5)) THEN NULL
                       WHEN v_alert.kind = 'out_of_stock' THEN 'low_stock'
                       ELSE v_alert.kind END;
        IF v_kind IS NULL THEN
            UPDATE bazaar.inventory_alerts a
               SET status = 'resolved', resolved_at = v_now, changed_at = v_now, on_hand = v_on_hand,
                   reorder_point = v_point, last_event_id = p_event_id
             WHERE a.id = v_alert.id
            RETURNING * INTO v_alert;
            v_action := 'resolved';
        ELSIF v_kind <> v_alert.kind THEN
            UPDATE bazaar.inventory_alerts a
               SET kind = v_kind, changed_at = v_now, on_hand = v_on_hand, reorder_point = v_point, last_event_id = p_event_id,
                   status = CASE WHEN v_kind = 'out_of_stock' THEN 'open' ELSE a.status END,
                   acknowledged_at = CASE WHEN v_kind = 'out_of_stock' THEN NULL ELSE a.acknowledged_at END,
                   acknowledged_by = CASE WHEN v_kind = 'out_of_stock' THEN NULL ELSE a.acknowledged_by END
             WHERE a.id = v_alert.id
            RETURNING * INTO v_alert;
            v_action := 'changed';
        ELSE
            -- Same kind: keep the figures current, raise no event.
            UPDATE bazaar.inventory_alerts a
               SET on_hand = v_on_hand, reorder_point = v_point, last_event_id = p_event_id
             WHERE a.id = v_alert.id AND (a.on_hand, a.reorder_point) IS DISTINCT FROM (v_on_hand, v_point);
            RETURN 'none';
        END IF;
    END IF;

    INSERT INTO bazaar.inventory_events (type, store_id, product_id, payload, trace_parent)
    VALUES ('alert.' || v_action, p_store_id, p_product_id,
            jsonb_build_object('id', v_alert.id, 'storeId', v_alert.store_id, 'productId', v_alert.product_id,
                               'sku', v_sku, 'kind', v_alert.kind,
                               'severity', CASE WHEN v_alert.kind = 'out_of_stock' THEN 'critical' ELSE 'warning' END,
                               'status', v_alert.status, 'onHand', v_alert.on_hand, 'reorderPoint', v_alert.reorder_point,
                               'openedAt', v_alert.opened_at, 'changedAt', v_alert.changed_at,
                               'acknowledgedAt', v_alert.acknowledged_at, 'acknowledgedBy', v_alert.acknowledged_by,
                               'resolvedAt', v_alert.resolved_at),
            nullif(p_trace_parent, ''));
    RETURN v_action;
END $$;
