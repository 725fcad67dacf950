-- The alerts consumer's step for a batch of events, in one transaction and round trip (the arrays
-- are parallel: event i is p_event_ids[i] of store p_store_ids[i] and product p_product_ids[i],
-- consumed in the span p_trace_parents[i]).
--
-- Per (store, product), in (store, product) order — every batch takes its pairs' locks in the same
-- order, so batches on two Worker replicas cannot deadlock:
-- 1. the pair's advisory lock, as bazaar.apply_stock_alert takes it;
-- 2. the inbox rows of the pair's events (processed_events): an event seen before is 'duplicate';
-- 3. when any event of the pair is new, ONE evaluation (bazaar.evaluate_stock_alert) for all of
--    them: the rule reads the pair's current stock, not the events' levels, so one evaluation after
--    the pair's events leaves the alert where one per event would. The newest new event gets its
--    outcome ('none', 'opened', 'changed', 'resolved') and is the one the alert row names; the
--    pair's other new events get 'none'.
-- Returns every event with its outcome.
CREATE OR REPLACE FUNCTION bazaar.apply_stock_alerts(
    p_consumer text, p_event_ids bigint[], p_store_ids uuid[], p_product_ids uuid[], p_trace_parents text[])
RETURNS TABLE (event_id bigint, outcome text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_pair record;
    v_new bigint[];
    v_last bigint;
    v_action text;
BEGIN
    FOR v_pair IN
        SELECT e.store_id, e.product_id,
               array_agg(e.event_id ORDER BY e.event_id) AS event_ids,
               array_agg(e.trace_parent ORDER BY e.event_id) AS trace_parents
          FROM unnest(p_event_ids, p_store_ids, p_product_ids, p_trace_parents) AS e(event_id, store_id, product_id, trace_parent)
         GROUP BY e.store_id, e.product_id
         ORDER BY e.store_id, e.product_id
    LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended('bazaar.alert/' || v_pair.store_id::text || '/' || v_pair.product_id::text, 0));

        WITH inserted AS (
            INSERT INTO bazaar.processed_events (consumer, event_id)
            SELECT p_consumer, e.id FROM unnest(v_pair.event_ids) AS e(id)
            ON CONFLICT DO NOTHING
            RETURNING processed_events.event_id)
        SELECT array_agg(i.event_id) INTO v_new FROM inserted i;

        v_last := (SELECT max(n.id) FROM unnest(v_new) AS n(id));
        v_action := NULL;
        IF v_last IS NOT NULL THEN
            v_action := bazaar.evaluate_stock_alert(v_pair.store_id, v_pair.product_id, v_last,
                v_pair.trace_parents[array_position(v_pair.event_ids, v_last)]);
        END IF;

        RETURN QUERY
            SELECT e.id, CASE WHEN e.id = v_last THEN v_action
                              WHEN e.id = ANY (v_new) THEN 'none'
                              ELSE 'duplicate' END
              FROM unnest(v_pair.event_ids) AS e(id);
    END LOOP;
END $$;
