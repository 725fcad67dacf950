-- The alerts consumer's whole step for one event, in one transaction and round trip (the consumer
-- sends events in batches through bazaar.apply_stock_alerts; this is its one-event form, which the
-- consumer falls back to when a batch fails, so one bad event cannot fail the others).
--
-- 1. Serialises on the (store, product) (transaction advisory lock): two Worker replicas consuming
--    the same queue cannot both open an alert for it. Taken before the inbox row, so an inbox row
--    is only ever waited on by a holder of its pair's lock (no lock cycle with a batch).
-- 2. The inbox: records (p_consumer, p_event_id) in processed_events; an event seen before
--    changes nothing ('duplicate'), so a redelivered message is applied once.
-- 3. and 4. bazaar.evaluate_stock_alert: the alert follows the pair's CURRENT on-hand and threshold
--    (the rule is in its file), and a change writes an alert.* event.
-- Returns 'duplicate', 'none', 'opened', 'changed' or 'resolved'.
CREATE OR REPLACE FUNCTION bazaar.apply_stock_alert(
    p_consumer text, p_event_id bigint, p_store_id uuid, p_product_id uuid, p_trace_parent text)
RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('bazaar.alert/' || p_store_id::text || '/' || p_product_id::text, 0));

    INSERT INTO bazaar.processed_events (consumer, event_id) VALUES (p_consumer, p_event_id)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN 'duplicate';
    END IF;

    RETURN bazaar.evaluate_stock_alert(p_store_id, p_product_id, p_event_id, p_trace_parent);
END $$;
